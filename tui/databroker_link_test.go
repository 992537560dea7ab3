package tui_test

import (
	"context"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/steps/databroker"
	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/tui"
)

// quietCloud is a demo cloud that does nothing: its key (o) makes the
// link screen's footer crowded.
type quietCloud struct{}

func (quietCloud) Act(context.Context, string) (string, error) { return "", nil }
func (quietCloud) Seen(string) (string, bool)                  { return "", false }

// footer is the last line of the screen.
func (d *driver) footer() string {
	lines := strings.Split(strings.TrimRight(d.screen(), "\n"), "\n")
	return lines[len(lines)-1]
}

// TestDataBrokerLinkScreenKeepsItsMainKeys: on small terminals the link
// screen, which shows the machine's states, keeps the way out (esc) and
// suspend in its footer; B's new-connector form says where esc goes.
func TestDataBrokerLinkScreenKeepsItsMainKeys(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {60, 20}} {
		bw := stepstest.WithDataBroker(t, stepstest.New(t))
		d := newDriverWith(t, tui.Options{Env: bw.Env, DemoCloud: quietCloud{}}, size[0], size[1])
		d.key("b")
		d.waitFor("Press n to create a connector")
		d.key("n")
		d.waitFor("Enter a title for the connector")
		if f := d.footer(); !strings.Contains(f, "esc back to the connectors") {
			t.Errorf("%dx%d: the form's footer does not say where esc goes: %q", size[0], size[1], f)
		}
		d.key("esc")
		d.waitFor("Press n to create a connector")
		d.createConnector("Edge A", "all", stepstest.AdminUser, stepstest.AdminPassword)
		d.waitFor(databroker.LinkNotSubscribed) // the machine's first state, then its own subscription
		d.waitFor(databroker.LinkPending)
		d.waitFor("✓ " + databroker.LinkActive)
		for _, want := range []string{"esc connectors", "s suspend"} {
			if f := d.footer(); !strings.Contains(f, want) {
				t.Errorf("%dx%d: the link screen's footer lacks %q: %q", size[0], size[1], want, f)
			}
		}
	}
}
