package remoteaccess

import (
	"context"
	"sync"
	"time"
)

// What the proof waits for, in its order; the operator reads them beside
// the seconds left of the proof's bound.
const (
	AwaitTenant    = "waiting for the tenant to open the SSH session"
	AwaitRelay     = "waiting for this Edge's relay to take the session and its SSH server to answer"
	AwaitHostKey   = "checking this Edge's host key through the tenant"
	AwaitOperation = "reading what became of the tenant's connect operation"
)

// operationReadBound bounds reading the connect operation after a silent
// session (and the moment given to a relay reporting late).
const operationReadBound = 10 * time.Second

// proofWaits reports each wait of one proof with the moment it gives up.
type proofWaits struct {
	on    func(awaited string, until time.Time)
	now   func() time.Time
	until time.Time

	mu  sync.Mutex
	cur string
}

func newProofWaits(o ProveOptions) *proofWaits {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	return &proofWaits{on: o.OnWait, now: now, until: now().Add(o.Timeout)}
}

// to reports the next wait, bounded by the proof's deadline.
func (w *proofWaits) to(awaited string) { w.toUntil(awaited, w.until) }

func (w *proofWaits) toUntil(awaited string, until time.Time) {
	w.mu.Lock()
	if w.cur == awaited {
		w.mu.Unlock()
		return
	}
	w.cur = awaited
	w.mu.Unlock()
	if w.on != nil {
		w.on(awaited, until)
	}
}

func (w *proofWaits) current() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.cur
}

// stopped is the proof's error once the operator stopped it (Esc,
// Ctrl+C): parent is the caller's context, not the proof's own bound.
func (w *proofWaits) stopped(parent context.Context) error {
	if parent.Err() == nil {
		return nil
	}
	return &Stopped{Awaited: w.current(), Err: context.Cause(parent)}
}

// Stopped is a proof the operator stopped while it waited. The proof only
// reads and opens a session that it closes: it leaves nothing behind.
type Stopped struct {
	Awaited string
	Err     error
}

func (s *Stopped) Error() string {
	return "the test was stopped while " + s.Awaited + ": it proves nothing either way; " +
		"what the steps marked done set up stays in place and nothing was left half-done; " +
		"test it again with S (it keeps what is set up) or edge-setup remote-access check"
}

func (s *Stopped) Unwrap() error { return s.Err }

// ExplainsStop marks an error that says itself what a stop left and what
// to do (front ends show it as it is).
func (s *Stopped) ExplainsStop() {}
