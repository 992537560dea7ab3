package registration

import (
	"context"
	"time"
)

// WaitUpdate reports progress of Wait: a status change or a retry.
type WaitUpdate struct {
	Status   string // display status, set when it changed
	Retrying error  // a transient failure; the next try is in Next
	Warning  error
	Next     time.Duration
	// Resumed is set once, when an earlier registration of this device was
	// found and continues (Status is then its last status).
	Resumed *time.Time
}

// Wait runs the RegistrationMachine without auto policy, for callers that
// only need status changes and retries (the bench, the fault tests): the
// same loop the screens drive, waits and command channel included (no
// command comes; a lost registration ends instead of waiting for one).
// onUpdate may be nil; sleep (nil: real time) is the timer, replaceable by
// a simulated clock.
func (r *Registration) Wait(ctx context.Context, onUpdate func(WaitUpdate), sleep func(context.Context, time.Duration) error) (*Connection, error) {
	cmds := make(chan RegCommand)
	m := &RegistrationMachine{Reg: r, Sleep: sleep, Emit: func(ev RegEvent) {
		if f, ok := ev.(RegFailed); ok && f.CanRegisterAgain {
			close(cmds) // nobody to ask: end with the loss
		}
		if onUpdate == nil {
			return
		}
		switch ev := ev.(type) {
		case RegResumed:
			started := ev.Started
			onUpdate(WaitUpdate{Resumed: &started, Status: ev.Timeline.Current()})
		case RegStatusChanged:
			onUpdate(WaitUpdate{Status: ev.Status})
		case RegRetrying:
			onUpdate(WaitUpdate{Retrying: ev.Err, Next: ev.Next})
		case RegWarning:
			onUpdate(WaitUpdate{Warning: ev.Err})
		case RegTenantWarning:
			onUpdate(WaitUpdate{Warning: ev.Err})
		}
	}}
	return m.Run(ctx, cmds)
}
