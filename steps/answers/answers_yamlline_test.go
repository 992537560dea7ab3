package answers_test

import (
	"context"
	"testing"

	"github.com/edge-setup/edge-setup/steps/answers"
	"github.com/edge-setup/edge-setup/steps/stepstest"
)

// A tab in an indentation is reported on its own line (yaml.v3 names the
// line above it).
func TestAnswersTabIsReportedOnItsLine(t *testing.T) {
	w := stepstest.New(t)
	data := "options:\n  - option: 7\n\tanswers: {}\n"
	_, err := answers.LoadAnswers(context.Background(), w.Env, "tab.yaml", []byte(data), answers.CheckOptions{})
	ps := problems(t, err)
	if len(ps) != 1 || ps[0].Line != 3 {
		t.Fatalf("problems = %v", ps)
	}
}
