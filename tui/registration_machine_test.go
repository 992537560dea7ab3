package tui_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/registration"
	"github.com/edge-setup/edge-setup/steps/stepstest"
)

// handTimer is a registration timer the test moves: a wait ends only when
// the test ticks (or the page closes), so nothing depends on the clock.
type handTimer struct{ ticks chan struct{} }

// newHandTimer replaces env's timer; at the end of the test every wait ends
// (the machine of a screen left open stops with it).
func newHandTimer(t *testing.T, env *steps.Env) *handTimer {
	h := &handTimer{ticks: make(chan struct{})}
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	env.Sleep = func(ctx context.Context, _ time.Duration) error {
		select {
		case <-h.ticks:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		case <-stop:
			return context.Canceled
		}
	}
	return h
}

// tick ends the machine's current wait (it blocks until the machine waits),
// while the driver keeps drawing.
func (h *handTimer) tick(d *driver) {
	d.t.Helper()
	done := make(chan struct{})
	go func() { h.ticks <- struct{}{}; close(done) }()
	for {
		select {
		case <-done:
			return
		case msg := <-d.msgs:
			d.send(msg)
		case <-time.After(hangGuard):
			d.t.Fatal("the registration never waited for its next check")
		}
	}
}

// The registration screen drives the one machine: c and a are commands
// that cut its wait short, the timer moves only when the test says, and
// the screen shows each status the tenant goes through.
func TestRegistrationScreenDrivesTheMachine(t *testing.T) {
	w := stepstest.New(t)
	timer := newHandTimer(t, w.Env)
	d := newDriver(t, w.Env, 100, 30)
	d.startRegistrationAsTenantUser(w.URL)
	d.waitFor("c create request")
	d.key("c") // the machine is waiting: the command wakes it
	d.waitFor(registration.StatusWaiting)
	if strings.Contains(d.screen(), registration.StatusPending) {
		t.Fatalf("pending before the next check:\n%s", d.screen())
	}
	timer.tick(d) // the next check: the device's poll made it pending
	d.waitFor(registration.StatusPending)
	d.waitFor("a accept")
	d.key("a")
	d.waitFor("Connected to tenant " + stepstest.TenantID)
	s := d.screen()
	for _, st := range []string{registration.StatusWaiting, registration.StatusPending, registration.StatusAccepted, registration.StatusConnected} {
		if !strings.Contains(s, st) {
			t.Errorf("the timeline lacks %q:\n%s", st, s)
		}
	}
	if n := w.Sim.CountRequests("POST", "/devicecontrol/deviceCredentials"); n != 4 {
		t.Errorf("%d polls, want 4 (not registered, waiting, pending, accepted): one per round, no chain left over", n)
	}
}

// A tenant user given (u) while a poll is in flight is taken by the machine
// after that poll and before the next request: the screen then shows the
// tenant's view and offers c, and -race sees no shared registration.
func TestTenantUserGivenDuringAPollIsTakenAfterIt(t *testing.T) {
	w := stepstest.New(t)
	timer := newHandTimer(t, w.Env)
	var block atomic.Bool
	inFlight, release := make(chan struct{}), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/devicecontrol/deviceCredentials" && block.CompareAndSwap(true, false) {
			close(inFlight)
			<-release
		}
		w.Sim.ServeHTTP(rw, r)
	}))
	t.Cleanup(srv.Close)
	d := newDriver(t, w.Env, 120, 30)
	d.waitingWithoutTenantUser(srv.URL)
	block.Store(true)
	timer.tick(d)
	<-inFlight
	d.key("u")
	d.waitFor("Enter tenant user to create and accept")
	d.typeText(stepstest.AdminUser)
	d.key("enter")
	d.waitFor("Enter password of tenant user")
	d.typeText(stepstest.AdminPassword)
	d.key("enter")
	d.settle()
	if strings.Contains(d.screen(), registration.StatusNotRegistered) {
		t.Fatalf("the tenant's view before the poll in flight returned:\n%s", d.screen())
	}
	close(release)
	d.waitFor(registration.StatusNotRegistered)
	d.waitFor("c create request")
}
