package answers_test

import (
	"context"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/steps/answers"
	"github.com/edge-setup/edge-setup/steps/stepstest"
)

// The file's values pass the engine the console's answers pass (steps/flow):
// a runaway value is quoted as its start and its length, as the TUI and
// plain mode quote it, not whole.
func TestAnswersFileValuesGoThroughTheFlow(t *testing.T) {
	w := stepstest.New(t)
	long := "http://x%zz" + strings.Repeat("a", 5000) // not a URL: the message quotes it
	data := "options:\n  - option: 7\n    answers:\n      cloud_url: \"" + long + "\"\n"
	_, err := answers.LoadAnswers(context.Background(), w.Env, "long.yaml", []byte(data), answers.CheckOptions{})
	ps := problems(t, err)
	if len(ps) != 1 {
		t.Fatalf("problems = %v", ps)
	}
	if strings.Contains(ps[0].Msg, long) || !strings.Contains(ps[0].Msg, "characters)") {
		t.Errorf("the value is not shortened as at the console: %.300s", ps[0].Msg)
	}
}
