package tui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/registration"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// Lost credentials: the screen says so and, with a tenant user, offers c
// to delete the request and register again; without one it offers nothing.
func TestLostCredentialsScreenOffersToRegisterAgain(t *testing.T) {
	root := t.TempDir()
	env := &steps.Env{Root: root, Props: edgeprops.New(root)}
	lost := fmt.Errorf("%w (another program probably fetched them); delete the device request and register again (this console can do it for you)", registration.ErrCredentialsLost)
	for _, withUser := range []bool{true, false} {
		m := New(Options{Env: env}) // a fresh run: no tenant user remembered from the last one
		reg := &registration.Registration{Env: env, URL: "https://acme.example.com", DeviceID: "edge-agent-1"}
		if withUser {
			reg.Tenant = &tenantapi.Credentials{User: "admin", Password: "x"}
		}
		p := newRegPage(m.c, reg, "", nil)
		p.phase, p.fatal, p.fatalErr = regFailed, lost.Error(), lost
		s := strings.Join(strings.Fields(ansi.Strip(p.View())), " ") // unwrapped
		if !strings.Contains(s, "the tenant issued the credentials but they did not arrive") {
			t.Errorf("screen lacks the explanation:\n%s", s)
		}
		offers := strings.Contains(s, "to delete the device request and register it again")
		if offers != withUser || p.canRegisterAgain() != withUser {
			t.Errorf("tenant user %v: offers c = %v:\n%s", withUser, offers, s)
		}
	}
}
