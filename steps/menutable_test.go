package steps

import (
	"strings"
	"testing"
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
		if e.Step != nil && OptionName(e.Step.Number()) != e.Key {
			t.Errorf("%s is named %q", e.Key, OptionName(e.Step.Number()))
		}
	}
	if OptionName(RemoteAccessNumber) != "S" || OptionName(DataBrokerNumber) != "B" || OptionName(7) != "7" {
		t.Fatal("option names")
	}
	for key, want := range map[string]int{"7": 7, "s": RemoteAccessNumber, "B": DataBrokerNumber, "9": 0, "10": 0, "11": 0, "D": 0, "x": 0} {
		if n, ok := OptionNumberFor(key); n != want || ok != (want != 0) {
			t.Errorf("answers file option %q is %d, %v", key, n, ok)
		}
	}
	var evs []Event
	if err := recordDone(te.Env, NewTracker(func(e Event) { evs = append(evs, e) }), RemoteAccessNumber); err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if strings.Contains(e.Detail, "option 10") || e.Kind == SubStepDone && e.Detail != "option S completed" {
			t.Fatalf("event %+v", e)
		}
	}
}
