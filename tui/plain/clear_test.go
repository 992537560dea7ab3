package plain_test

import (
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/steps/stepstest"
)

// A prompt whose blank answer means something ("leave blank to disable
// remote management") and that has a default (the URL in use, which Enter
// keeps) takes "-" as the blank answer, and says so.
func TestBlankAnswerOverADefault(t *testing.T) {
	got := transcript(t, func(w *stepstest.World) string {
		cfg, err := w.Env.Props.LoadAgentConfig()
		if err != nil {
			t.Fatal(err)
		}
		cfg.URL = w.URL
		if err := w.Env.Props.SaveAgentConfig(cfg); err != nil {
			t.Fatal(err)
		}
		return "7\n-\n\n9\n"
	})
	for _, want := range []string{"[http://TENANT] (- for blank)", "Disable remote management", "Cancelled: nothing was changed."} {
		if !strings.Contains(got, want) {
			t.Errorf("transcript lacks %q:\n%s", want, got)
		}
	}
}
