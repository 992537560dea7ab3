package options

import (
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/system"
)

// Operators name S and B by their letters; no message says "option 10".
func TestOptionNamesAreTheMenuKeys(t *testing.T) {
	te := newTestEnv(t)
	seen := map[string]bool{}
	for _, e := range Menu(te.Env) {
		if seen[e.Key] {
			t.Errorf("key %s twice in the menu", e.Key)
		}
		seen[e.Key] = true
		if e.Step != nil && steps.OptionName(e.Step.Number()) != e.Key {
			t.Errorf("%s is named %q", e.Key, steps.OptionName(e.Step.Number()))
		}
	}
	if steps.OptionName(steps.RemoteAccessNumber) != "S" || steps.OptionName(steps.DataBrokerNumber) != "B" || steps.OptionName(7) != "7" {
		t.Fatal("option names")
	}
	for key, want := range map[string]int{"7": 7, "s": steps.RemoteAccessNumber, "B": steps.DataBrokerNumber, "9": 0, "10": 0, "11": 0, "D": 0, "x": 0} {
		if n, ok := OptionNumberFor(key); n != want || ok != (want != 0) {
			t.Errorf("answers file option %q is %d, %v", key, n, ok)
		}
	}
	var evs []steps.Event
	if err := system.RecordDone(te.Env, steps.NewTracker(func(e steps.Event) { evs = append(evs, e) }), steps.RemoteAccessNumber); err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if strings.Contains(e.Detail, "option 10") || e.Kind == steps.SubStepDone && e.Detail != "option S completed" {
			t.Fatalf("event %+v", e)
		}
	}
}
