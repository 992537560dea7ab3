package tui_test

import (
	"testing"

	"github.com/edge-setup/edge-setup/steps/stepstest"
)

func TestSBeforeTheEdgeIsConnectedSaysOption7First(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 80, 24)
	d.waitFor("S. Remote SSH access through the tenant")
	d.key("s")
	d.waitFor("S - Remote SSH access through the tenant")
	d.waitFor("run option 7")
}

func TestSFromTheConnectedScreenAsksForTheTenantUser(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 80, 24)
	d.waitingWithoutTenantUser(w.URL)
	d.acceptInTenant(w)
	d.waitFor("Connected to tenant")
	d.waitFor("s remote SSH access")
	d.key("s")
	d.waitFor("S - Remote SSH access through the tenant")
	d.waitFor("Enter tenant user with remote access rights")
	d.key("esc")
	d.waitFor("Choose an option")
}

// Option 7 on an Edge connected to the URL entered offers s, which opens S.
func TestOption7OnAConnectedEdgeHandsOverToRemoteAccess(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 100, 30)
	d.waitingWithoutTenantUser(w.URL)
	d.acceptInTenant(w)
	d.waitFor("Connected to tenant")
	d.key("enter")
	d.waitFor("Choose an option")
	d.key("7")
	d.waitFor("Enter cloud URL")
	d.key("enter")
	d.waitFor("s to set up remote SSH access")
	d.key("backspace")
	d.key("s")
	d.key("enter")
	d.waitFor("S - Remote SSH access through the tenant")
	d.waitFor("Enter tenant user with remote access rights")
}
