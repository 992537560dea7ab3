package databroker

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	wire "github.com/edge-setup/edge-setup/tenantapi/databroker"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// heldSleep is a fake clock: every wait is reported on waits and ends only
// when the test says so (released) or ctx ends, so nothing depends on speed.
type heldSleep struct {
	waits   chan time.Duration
	release chan struct{}
}

func newHeldSleep() *heldSleep {
	return &heldSleep{waits: make(chan time.Duration, 100), release: make(chan struct{}, 100)}
}

func (h *heldSleep) sleep(ctx context.Context, d time.Duration) error {
	h.waits <- d
	select {
	case <-h.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// next reads the machine's next event (a hang guard only).
func next(t *testing.T, events <-chan LinkEvent) LinkEvent {
	t.Helper()
	select {
	case ev, ok := <-events:
		if !ok {
			t.Fatal("the machine stopped")
		}
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event from the machine")
	}
	return nil
}

// until reads events until one satisfies ok; it returns that one.
func until(t *testing.T, events <-chan LinkEvent, what string, ok func(LinkEvent) bool) LinkEvent {
	t.Helper()
	for range 1000 {
		if ev := next(t, events); ok(ev) {
			return ev
		}
	}
	t.Fatalf("never saw %s", what)
	return nil
}

// newConnector is a world (with a cloud user or not) and its new connector.
func newConnector(t *testing.T, cloudUser bool, share string) (*world, *wire.Connector) {
	t.Helper()
	w := newWorld(t, cloudUser)
	_, c, err := w.b.Ensure(context.Background(), wanted(t, w, share))
	if err != nil {
		t.Fatal(err)
	}
	return w, c
}

func looked(status string) func(LinkEvent) bool {
	return func(ev LinkEvent) bool { l, ok := ev.(LinkLooked); return ok && l.Out.Status == status }
}

// TestMachineSubscribesAcceptsAndTakesCommands: with a cloud user the
// machine subscribes and accepts by itself, follows on once active, and
// carries out suspend and resume while it waits; cancelling stops it.
func TestMachineSubscribesAcceptsAndTakesCommands(t *testing.T) {
	w, c := newConnector(t, true, "measurements")
	clk := newHeldSleep()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m := &LinkMachine{Broker: w.b, ConnectorID: c.ID, Auto: true, Sleep: clk.sleep}
	events, send := m.Start(ctx)
	if _, ok := next(t, events).(LinkLooking); !ok {
		t.Fatal("the first event is not a look")
	}
	if l := next(t, events).(LinkLooked); l.Out.Status != LinkNotSubscribed || !l.Changed {
		t.Fatalf("first look: %+v", l)
	}
	if a := next(t, events).(LinkActing); a.Action != ActSubscribe {
		t.Fatalf("after Not subscribed: %+v", a)
	}
	if a := next(t, events).(LinkActed); a.Action != ActSubscribe || a.Err != nil {
		t.Fatalf("subscribe: %+v", a)
	}
	go func() { // the waits end one by one while the Edge connects
		for range clk.waits {
			clk.release <- struct{}{}
		}
	}()
	until(t, events, "the acceptance", func(ev LinkEvent) bool { a, ok := ev.(LinkActed); return ok && a.Action == ActAccept && a.Err == nil })
	until(t, events, LinkActive, looked(LinkActive))
	if !send(LinkCommand{Action: ActSuspend}) {
		t.Fatal("the machine took no command")
	}
	until(t, events, "the suspension", func(ev LinkEvent) bool { a, ok := ev.(LinkActed); return ok && a.Action == ActSuspend && a.Err == nil })
	until(t, events, LinkSuspended, looked(LinkSuspended))
	send(LinkCommand{Action: ActResume})
	until(t, events, LinkActive+" again", looked(LinkActive))
	cancel()
	for ev := range events {
		if f, ok := ev.(LinkFailed); ok {
			t.Fatalf("cancelling is not a failure: %v", f.Err)
		}
	}
	close(clk.waits) // the machine stopped: no more waits
}

// TestMachineRetriesThenStops: an Edge that fails is looked at again after
// the longer delay, and following until active stops after MaxFailedLooks.
func TestMachineRetriesThenStops(t *testing.T) {
	w, c := newConnector(t, false, "all")
	w.edge.SetFault(tenantsim.Fault{Status: http.StatusInternalServerError, PathPrefix: "/databroker/connectors/"})
	var waits []time.Duration
	var retries int
	m := &LinkMachine{Broker: w.b, ConnectorID: c.ID, UntilActive: true,
		Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
	var failed *LinkFailed
	_, err := m.Run(context.Background(), func(ev LinkEvent) {
		switch ev := ev.(type) {
		case LinkRetrying:
			retries++
			if ev.Next != 2*LinkPollWaiting || ev.Err == nil {
				t.Errorf("retrying: %+v", ev)
			}
		case LinkFailed:
			failed = &ev
		}
	}, nil)
	if !errors.Is(err, ErrCloudFailing) || failed == nil || !errors.Is(failed.Err, ErrCloudFailing) {
		t.Fatalf("run: %v, failed event %+v", err, failed)
	}
	if retries != MaxFailedLooks || len(waits) != MaxFailedLooks-1 || waits[0] != 2*LinkPollWaiting {
		t.Fatalf("%d retries, waits %v", retries, waits)
	}
}

// TestMachineStopsWhenTheConnectorIsGone: a deleted connector ends
// following with LinkFailed, also on the screen's machine (no UntilActive).
func TestMachineStopsWhenTheConnectorIsGone(t *testing.T) {
	w, c := newConnector(t, false, "all")
	clk := newHeldSleep()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events, _ := (&LinkMachine{Broker: w.b, ConnectorID: c.ID, Sleep: clk.sleep}).Start(ctx)
	until(t, events, LinkWaitingCode, looked(LinkWaitingCode))
	if d := <-clk.waits; d != LinkPollWaiting {
		t.Fatalf("wait %s, want %s", d, LinkPollWaiting)
	}
	if err := w.b.Delete(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	clk.release <- struct{}{}
	f := until(t, events, "the failure", func(ev LinkEvent) bool { _, ok := ev.(LinkFailed); return ok }).(LinkFailed)
	if !errors.Is(f.Err, ErrConnectorGone) {
		t.Fatalf("failed with %v", f.Err)
	}
	if _, open := <-events; open {
		t.Fatal("events go on after the failure")
	}
}

// TestMachineCheckNowCutsTheWait: r looks at once, however long the wait;
// cancelling while it waits stops it without a failure.
func TestMachineCheckNowCutsTheWait(t *testing.T) {
	w, c := newConnector(t, false, "all")
	clk := newHeldSleep() // never released: only a command ends a wait
	ctx, cancel := context.WithCancel(context.Background())
	events, send := (&LinkMachine{Broker: w.b, ConnectorID: c.ID, Sleep: clk.sleep}).Start(ctx)
	until(t, events, "the first look", looked(LinkWaitingCode))
	<-clk.waits
	go send(LinkCommand{Action: ActCheckNow})
	if _, ok := next(t, events).(LinkLooking); !ok {
		t.Fatal("check now did not look")
	}
	until(t, events, "the second look", looked(LinkWaitingCode))
	<-clk.waits
	cancel()
	if ev, open := <-events; open {
		t.Fatalf("after cancel: %#v", ev)
	}
	if send(LinkCommand{Action: ActCheckNow}) {
		t.Fatal("a stopped machine took a command")
	}
}
