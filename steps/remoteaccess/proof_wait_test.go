package remoteaccess

import (
	"context"
	"errors"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// The proof says what it waits for and when it gives up, by the caller's
// clock; stopped while it waits, it returns at once with Stopped (it
// does not go on to read the operation) naming the wait.
func TestProofReportsItsWaitsAndStopsWhenAsked(t *testing.T) {
	w := newWorld(t, 10*time.Minute) // the tenant would wait long for the device
	_, key := testSSHD(t)
	cfg := w.passthrough(closedPort(t)) // and no relay runs: nothing attaches
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	type wait struct {
		awaited string
		until   time.Time
	}
	waits := make(chan wait, 8)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := Prove(ctx, ProveOptions{Client: w.client, User: w.admin, MOID: w.moID, ConfigID: cfg, HostKeys: []ssh.PublicKey{key.PublicKey()},
			Timeout: 10 * time.Minute, Now: func() time.Time { return now },
			OnWait: func(a string, u time.Time) { waits <- wait{a, u} }})
		done <- err
	}()
	for _, want := range []string{AwaitTenant, AwaitRelay} {
		if got := <-waits; got.awaited != want || !got.until.Equal(now.Add(10*time.Minute)) {
			t.Fatalf("wait %+v, want %q until %v", got, want, now.Add(10*time.Minute))
		}
	}
	cancel()
	var err error
	select {
	case err = <-done:
	case <-time.After(60 * time.Second): // a hang guard only
		t.Fatal("the stopped proof did not return")
	}
	var st *Stopped
	if !errors.As(err, &st) || st.Awaited != AwaitRelay || !errors.Is(err, context.Canceled) {
		t.Fatalf("stopped proof: %v", err)
	}
	select {
	case got := <-waits:
		t.Fatalf("the stopped proof went on to %q", got.awaited)
	default:
	}
}
