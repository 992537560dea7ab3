package tui_test

import (
	"context"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/steps/databroker"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/stepstest"
)

// TestBrokerListAt80x24: the footer keeps B's main keys (link, suspend,
// delete, edit, new, esc) at 80 columns, and esc in the new-connector
// form goes back to the connectors, not to the menu.
func TestBrokerListAt80x24(t *testing.T) {
	bw := stepstest.WithDataBroker(t, stepstest.New(t))
	b, err := options.NewDataBroker(bw.Env, nil)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := databroker.NewWanted("Edge A", "", "m", databroker.ScopeAll, nil, "", bw.URL)
	if _, _, err := b.Ensure(context.Background(), w); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, bw.Env, 80, 24)
	d.key("b")
	d.waitFor("› Edge A")
	lines := strings.Split(strings.TrimRight(d.screen(), "\n"), "\n")
	footer := lines[len(lines)-1]
	for _, want := range []string{"enter link", "s suspend", "x delete", "e edit", "n new", "esc menu", "? help"} {
		if !strings.Contains(footer, want) {
			t.Errorf("footer %q lacks %q", footer, want)
		}
	}
	d.key("n")
	d.waitFor("Enter a title for the connector")
	d.key("esc")
	d.waitFor("Option cancelled: nothing was changed.")
	if !strings.Contains(d.screen(), "› Edge A") {
		t.Fatalf("esc in the form left B:\n%s", d.screen())
	}
}
