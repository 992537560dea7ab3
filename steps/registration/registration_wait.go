package registration

import (
	"context"
	"errors"
	"time"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/clock"
	"github.com/edge-setup/edge-setup/tenantapi"
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

// Wait runs the registration without a screen: it checks stored
// credentials, then polls with the cadence until the request is accepted and
// the device is connected, or ctx ends. onUpdate (may be nil) hears every
// status change. Sleep is the timer, replaceable by a simulated clock.
func (r *Registration) Wait(ctx context.Context, onUpdate func(WaitUpdate), sleep func(context.Context, time.Duration) error) (*Connection, error) {
	log := steps.NewActionLog(r.Env)
	report := onUpdate
	onUpdate = func(u WaitUpdate) {
		if u.Status != "" && u.Resumed == nil {
			log.LogRegistration(u.Status)
		}
		if report != nil {
			report(u)
		}
	}
	if sleep == nil {
		sleep = clock.Sleep
	}
	now := r.Env.CurrentTime
	failures := 0
	for {
		conn, err := r.CheckExisting(ctx)
		if err == nil {
			onUpdate(WaitUpdate{Status: StatusConnected})
			return conn, nil
		}
		if errors.Is(err, ErrNoCredentials) || errors.Is(err, ErrCredentialsInvalid) {
			if errors.Is(err, ErrCredentialsInvalid) {
				onUpdate(WaitUpdate{Warning: err})
			}
			break
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if retry, _ := tenantapi.Retryable(err); !retry {
			// TLS trust, a bad URL, an unusable answer: waiting cannot heal it
			return nil, err
		}
		failures++
		d := r.Cadence.Retry(failures, 0)
		onUpdate(WaitUpdate{Retrying: err, Next: d})
		if err := sleep(ctx, d); err != nil {
			return nil, err
		}
	}
	prog := r.Progress()
	if n := len(prog.Timeline); n > 0 {
		onUpdate(WaitUpdate{Resumed: &prog.Started, Status: prog.Timeline[n-1].Status})
	}
	started := now()
	failures = 0
	for {
		out := r.PollOnce(ctx, now().Sub(started), failures)
		switch {
		case out.Fatal != nil:
			return nil, out.Fatal
		case out.Retrying != nil:
			failures++
			onUpdate(WaitUpdate{Retrying: out.Retrying, Next: out.Next})
		case out.Credentials != nil:
			onUpdate(WaitUpdate{Status: StatusAccepted})
			return r.completeWithRetry(ctx, out.Credentials, onUpdate, sleep)
		default:
			failures = 0
			if prog.Timeline.Observe(out.Status, now()) {
				_ = r.SaveProgress(prog) // losing progress never stops a registration
				onUpdate(WaitUpdate{Status: out.Status, Next: out.Next})
			}
			if out.TenantWarning != nil {
				onUpdate(WaitUpdate{Warning: out.TenantWarning})
			}
		}
		if err := sleep(ctx, out.Next); err != nil {
			return nil, err
		}
	}
}

func (r *Registration) completeWithRetry(ctx context.Context, dc *tenantapi.DeviceCredentials, onUpdate func(WaitUpdate), sleep func(context.Context, time.Duration) error) (*Connection, error) {
	for failures := 1; ; failures++ {
		conn, err := r.Complete(ctx, dc)
		if err == nil {
			onUpdate(WaitUpdate{Status: StatusConnected})
			return conn, nil
		}
		retry, after := tenantapi.Retryable(err)
		if !retry || ctx.Err() != nil {
			return nil, err
		}
		d := r.Cadence.Retry(failures, after)
		onUpdate(WaitUpdate{Retrying: err, Next: d})
		if err := sleep(ctx, d); err != nil {
			return nil, err
		}
	}
}
