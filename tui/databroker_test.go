package tui_test

import (
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/steps/databroker"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/stepstest"
)

// createConnector plays the operator through B, n and the prompts.
func (d *driver) createConnector(title, share, user, pw string) {
	d.t.Helper()
	d.key("b")
	d.waitFor("Press n to create a connector")
	d.key("n")
	d.waitFor("Enter a title for the connector")
	d.key("ctrl+u")
	d.typeText(title)
	d.key("enter")
	d.waitFor("description")
	d.key("enter")
	d.waitFor("What to share")
	d.key("ctrl+u")
	d.typeText(share)
	d.key("enter")
	d.waitFor("Whose data")
	d.key("enter")
	d.waitFor("Fragments to copy")
	d.key("enter")
	d.waitFor("Type filter")
	d.key("enter")
	d.waitFor("cloud tenant user")
	d.typeText(user)
	d.key("enter")
	if user != "" {
		d.waitFor("Enter password of tenant user")
		d.typeText(pw)
		d.key("enter")
	}
	d.waitFor("Proceed? [y/N]")
	d.key("y")
}

// TestDataBrokerLinkFromTheConsole: B, a connector sharing measurements
// and alarms of all devices, the link accepted from the console on the
// registration's kind of timeline, data arriving; suspend and resume; the
// cloud gone: the CRITICAL alarm with what to do.
func TestDataBrokerLinkFromTheConsole(t *testing.T) {
	bw := stepstest.WithDataBroker(t, stepstest.New(t))
	d := newDriver(t, bw.Env, 100, 40)
	d.createConnector("Edge to cloud", "measurements, alarms", stepstest.AdminUser, stepstest.AdminPassword)
	d.waitFor("✓ " + databroker.LinkActive)
	scr := d.screen()
	for _, want := range []string{databroker.LinkNotSubscribed, databroker.LinkPending, "✓ " + databroker.LinkAccepted, "Virtual group Edge to cloud"} {
		if !strings.Contains(scr, want) {
			t.Errorf("link screen lacks %q:\n%s", want, scr)
		}
	}
	bw.Measure(t, "pump-1")
	bw.Measure(t, "chiller-1")
	d.waitFor("Data arriving: 2 measurements in the last minute")
	if strings.Contains(d.screen(), "Security code") {
		t.Error("the code is shown although the console linked it itself")
	}
	d.key("s")
	d.waitFor(databroker.LinkSuspended)
	d.key("s")
	d.waitFor("✓ Data arriving")

	// The cloud disables the subscription: Pending, and e enables it again.
	b, err := options.NewDataBroker(bw.Env, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := b.ByName(t.Context(), "Edge to cloud")
	group, ok := bw.Sim.VirtualGroup(c.Code)
	if !ok {
		t.Fatal("no virtual group in the cloud")
	}
	if err := bw.Sim.SetUserEnabled(group["owner"].(string), false); err != nil {
		t.Fatal(err)
	}
	d.waitFor(databroker.LinkDisabled)
	d.waitFor("Press e to enable")
	d.key("e")
	d.waitFor("✓ Data arriving")

	// Back to the connectors; the cloud tenant goes away.
	d.key("esc")
	d.waitFor("shares measurements, alarms of all devices")
	bw.Server.Close()
	d.key("r")
	d.waitFor("CRITICAL")
	d.waitFor("the data is kept and sent once it can")

	// Delete asks first and says what stops.
	d.key("x")
	d.waitFor("stops sharing data with")
	d.key("n")
	if strings.Contains(d.screen(), "deleted") {
		t.Fatal("n deleted the connector")
	}
	d.key("x", "y")
	d.waitFor("deleted: the Edge no longer shares data")
}

// TestDataBrokerWithoutCloudUser: the code shown large with the cloud
// admin's steps; the screen follows the connector until it is active.
func TestDataBrokerWithoutCloudUser(t *testing.T) {
	bw := stepstest.WithDataBroker(t, stepstest.New(t))
	d := newDriver(t, bw.Env, 120, 40)
	d.createConnector("No user", "all", "", "")
	d.waitFor("Security code")
	d.waitFor("Add data subscription")
	scr := d.screen()
	b, err := options.NewDataBroker(bw.Env, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := b.ByName(t.Context(), "No user")
	if err != nil || c == nil {
		t.Fatal(err)
	}
	if !strings.Contains(scr, c.Code) || !strings.Contains(scr, "█") {
		t.Fatalf("code %s or its QR code missing:\n%s", c.Code, scr)
	}
	// The cloud's admin subscribes with the code and accepts.
	if err := bw.Sim.AddDataSubscription(c.Code); err != nil {
		t.Fatal(err)
	}
	for bw.Sim.Accept(c.Code) != nil {
		d.settle()
	}
	d.waitFor("✓ " + databroker.LinkActive)
	if strings.Contains(d.screen(), "Security code") {
		t.Error("the code stays on the screen once active")
	}
}
