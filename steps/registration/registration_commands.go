package registration

import (
	"context"
	"time"

	"github.com/edge-setup/edge-setup/steps/clock"
)

// How the registration machine takes commands: only while it waits, so
// never under a request in flight; a command cuts the wait short.

// apply carries out a command (between requests: nothing is in flight).
func (run *regRun) apply(ctx context.Context, c RegCommand) {
	r := run.r
	switch c.Action {
	case RegCreate:
		run.act(ctx, RegCreate, r.CreateRequest)
	case RegAccept:
		run.act(ctx, RegAccept, r.Accept)
	case RegRegisterAgain:
		run.act(ctx, RegRegisterAgain, r.RegisterAgain)
	case RegUseTenantUser:
		run.emit(RegActionStarted{Action: c.Action})
		r.UseTenantUser(c.Answers)
		done := RegActionDone{Action: c.Action}
		if r.Tenant != nil {
			cr := *r.Tenant
			done.TenantUser = &cr
		}
		run.emit(done)
	case RegOperator:
		if c.Operator == nil {
			return
		}
		run.emit(RegActionStarted{Action: c.Action})
		note, err := c.Operator(ctx, r.DeviceID)
		if err != nil {
			run.emit(RegActionFailed{Action: c.Action, Err: err})
			return
		}
		run.emit(RegActionDone{Action: c.Action, Note: note})
	}
}

// pause waits d, or less when a command comes: the command is carried out
// and the next request goes out at once.
func (run *regRun) pause(ctx context.Context, d time.Duration) error {
	c, ok, err := run.next(ctx, d)
	if ok && err == nil {
		run.apply(ctx, c)
	}
	return err
}

// next waits d (forever when d < 0) for a command; ok reports one came.
// A command already queued is taken without waiting.
func (run *regRun) next(ctx context.Context, d time.Duration) (c RegCommand, ok bool, err error) {
	if run.cmds != nil {
		select {
		case c, ok = <-run.cmds:
			if ok {
				return c, true, nil
			}
			run.cmds = nil // closed: no more commands
		default:
		}
	}
	if run.cmds == nil {
		if d < 0 {
			return c, false, nil
		}
		return c, false, run.sleep(ctx, d)
	}
	if d < 0 {
		select {
		case c, ok = <-run.cmds:
			if !ok {
				run.cmds = nil
			}
			return c, ok, nil
		case <-ctx.Done():
			return c, false, ctx.Err()
		}
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	slept := make(chan error, 1)
	go func() { slept <- run.sleep(sctx, d) }()
	select {
	case err := <-slept:
		return c, false, err
	case c, ok = <-run.cmds:
		if !ok {
			run.cmds = nil
			return c, false, <-slept // the rest of the wait
		}
		cancel()
		<-slept
		return c, true, ctx.Err()
	}
}

func (run *regRun) sleep(ctx context.Context, d time.Duration) error {
	switch {
	case run.Sleep != nil:
		return run.Sleep(ctx, d)
	case run.r.Env.Sleep != nil:
		return run.r.Env.Sleep(ctx, d)
	}
	return clock.Sleep(ctx, d)
}
