package registration

import (
	"context"
	"errors"
	"time"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// RegistrationMachine is option 7's one wait policy: it checks the stored
// credentials, polls with the Cadence, backs off on transient failures,
// stops on fatal ones, stores and proves the credentials the tenant issues
// (retrying the store, never dropping them), keeps the progress for a
// resume, and takes the operator's commands between two requests. The TUI,
// plain mode, `register`, `apply` and the bench only drive it and render
// its events.
type RegistrationMachine struct {
	Reg *Registration
	// Emit hears every event, in order, from Run's goroutine (nil: none).
	Emit func(RegEvent)
	// Sleep is the timer (nil: Reg.Env.Sleep, else real time).
	Sleep func(context.Context, time.Duration) error
	Auto  RegAuto
	// Once does not wait: it polls again at once only while the rounds
	// move on (an action done, a new status), at most onceRounds times,
	// then returns ErrNotConnectedYet; a transient failure ends it with
	// its error. No progress is kept (`register` and `register: {wait:
	// false}` check, they do not start a wait).
	Once bool
}

// ErrNotConnectedYet ends a RegistrationMachine with Once that found the
// device not accepted yet.
var ErrNotConnectedYet = errors.New("the device is not accepted yet")

// onceRounds: not registered -> create -> waiting -> pending -> accept -> accepted.
const onceRounds = 5

// regRun is the state of one Run.
type regRun struct {
	*RegistrationMachine
	r       *Registration
	cmds    <-chan RegCommand
	log     *steps.ActionLog
	prog    *RegistrationProgress
	autoFor string // the status the auto policy last looked at
}

// Run drives the registration until the Edge is connected, it fails, or
// ctx ends. cmds (may be nil) carries the operator's commands; a closed
// channel means no more.
func (m *RegistrationMachine) Run(ctx context.Context, cmds <-chan RegCommand) (*Connection, error) {
	run := &regRun{RegistrationMachine: m, r: m.Reg, cmds: cmds, log: steps.NewActionLog(m.Reg.Env), prog: m.Reg.Progress()}
	if len(run.prog.Timeline) > 0 {
		run.emit(RegResumed{Started: run.prog.Started, Timeline: run.timeline()})
	}
	conn, err := run.checkStored(ctx)
	if conn != nil || err != nil {
		return conn, err
	}
	return run.poll(ctx)
}

func (run *regRun) emit(ev RegEvent) {
	if run.Emit != nil {
		run.Emit(ev)
	}
}

func (run *regRun) timeline() Timeline { return append(Timeline(nil), run.prog.Timeline...) }

// checkStored proves stored credentials: a connection, or nil and nil when
// the device has to be registered.
func (run *regRun) checkStored(ctx context.Context) (*Connection, error) {
	for failures := 1; ; failures++ {
		run.emit(RegChecking{Stored: true})
		conn, err := run.r.CheckExisting(ctx)
		switch {
		case err == nil:
			return run.connected(conn), nil
		case errors.Is(err, ErrCredentialsInvalid):
			run.emit(RegWarning{Err: err})
			return nil, nil
		case errors.Is(err, ErrNoCredentials):
			return nil, nil
		case ctx.Err() != nil:
			return nil, ctx.Err()
		}
		if retry, _ := tenantapi.Retryable(err); !retry || run.Once {
			// TLS trust, a bad URL, an unusable answer: waiting cannot heal it
			return nil, run.fail(err, false)
		}
		d := run.r.Cadence.Retry(failures, 0)
		run.emit(RegRetrying{Err: err, Next: d})
		if err := run.pause(ctx, d); err != nil {
			return nil, err
		}
	}
}

// poll asks for the credentials until they come.
func (run *regRun) poll(ctx context.Context) (*Connection, error) {
	now := run.r.Env.CurrentTime
	started, failures, last := now(), 0, ""
	for round := 1; ; round++ {
		run.emit(RegChecking{})
		out := run.r.PollOnce(ctx, now().Sub(started), failures)
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case out.Fatal != nil:
			if !run.registerAgain(ctx, out.Fatal) {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				return nil, out.Fatal
			}
			failures = 0
			continue
		case out.Retrying != nil && run.Once:
			return nil, run.fail(out.Retrying, false)
		case out.Retrying != nil:
			failures++
			run.emit(RegRetrying{Err: out.Retrying, Next: out.Next})
		case out.Credentials != nil:
			run.observe(StatusAccepted)
			run.emit(RegCredentialsReceived{})
			return run.complete(ctx, out.Credentials)
		default:
			failures = 0
			run.observe(out.Status)
			run.emit(RegPolled{Status: out.Status, RequestExists: out.RequestExists, Next: out.Next})
			if out.TenantWarning != nil {
				run.emit(RegTenantWarning{Err: out.TenantWarning})
			}
			acted := run.auto(ctx, out.Status)
			if run.Once {
				if round >= onceRounds || (!acted && (last == "" || last == out.Status)) {
					return nil, ErrNotConnectedYet
				}
				last = out.Status
				continue
			}
			if acted {
				continue // acted: the tenant's answer to it, now
			}
		}
		if err := run.pause(ctx, out.Next); err != nil {
			return nil, err
		}
	}
}

// observe records a status change: logged, kept for a resume, reported.
func (run *regRun) observe(status string) {
	if !run.prog.Timeline.Observe(status, run.r.Env.CurrentTime()) {
		return
	}
	run.log.LogRegistration(status)
	if status != StatusConnected && !run.Once { // CheckExisting and Complete clear the progress
		_ = run.r.SaveProgress(run.prog) // losing progress never stops a registration
	}
	run.emit(RegStatusChanged{Status: status, Timeline: run.timeline()})
}

func (run *regRun) connected(conn *Connection) *Connection {
	run.observe(StatusConnected)
	run.emit(RegConnection{Conn: conn})
	return conn
}

// fail reports the end; it returns err.
func (run *regRun) fail(err error, canRegisterAgain bool) error {
	run.emit(RegFailed{Err: err, CanRegisterAgain: canRegisterAgain})
	return err
}

// complete stores and proves the issued credentials, retrying what can be
// retried: they are issued once, so nothing but a fatal error or the end
// of ctx stops this (the keeper holds them in memory meanwhile).
func (run *regRun) complete(ctx context.Context, dc *tenantapi.DeviceCredentials) (*Connection, error) {
	for failures := 1; ; failures++ {
		conn, err := run.r.Complete(ctx, dc)
		if err == nil {
			return run.connected(conn), nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		retry, after := tenantapi.Retryable(err)
		if !retry || run.Once {
			return nil, run.fail(err, false)
		}
		d := run.r.Cadence.Retry(failures, after)
		run.emit(RegRetrying{Err: err, Next: d})
		if err := run.sleep(ctx, d); err != nil {
			return nil, err
		}
	}
}

// registerAgain handles a fatal poll: for lost credentials with a tenant
// user it registers again (by itself with Auto.RegisterAgain, else when the
// operator says so) and reports true; otherwise it reports the failure.
func (run *regRun) registerAgain(ctx context.Context, fatal error) bool {
	if !errors.Is(fatal, ErrCredentialsLost) || !run.r.CanManage() {
		run.fail(fatal, false)
		return false
	}
	if run.Auto.RegisterAgain {
		run.emit(RegWarning{Err: fatal})
		if run.act(ctx, RegRegisterAgain, run.r.RegisterAgain) == nil {
			return true
		}
		run.fail(fatal, false)
		return false
	}
	run.fail(fatal, true)
	for {
		c, ok, err := run.next(ctx, -1)
		if err != nil || !ok {
			return false
		}
		switch c.Action {
		case RegRegisterAgain:
			if run.act(ctx, RegRegisterAgain, run.r.RegisterAgain) == nil {
				return true
			}
			run.fail(fatal, true)
		case RegGiveUp:
			return false
		case RegUseTenantUser, RegOperator:
			run.apply(ctx, c)
		}
	}
}

// auto is the auto policy: create a missing request, accept a pending one,
// once each time the status is reached. It reports whether it acted.
func (run *regRun) auto(ctx context.Context, status string) bool {
	if status == run.autoFor {
		return false
	}
	run.autoFor = status
	switch {
	case !run.r.CanManage():
	case status == StatusNotRegistered && run.Auto.Create:
		run.act(ctx, RegCreate, run.r.CreateRequest)
		return true
	case status == StatusPending && run.Auto.Accept:
		run.act(ctx, RegAccept, run.r.Accept)
		return true
	}
	return false
}

// act runs one action and reports it.
func (run *regRun) act(ctx context.Context, a RegAction, fn func(context.Context) error) error {
	run.emit(RegActionStarted{Action: a})
	if err := fn(ctx); err != nil {
		run.emit(RegActionFailed{Action: a, Err: err})
		return err
	}
	run.emit(RegActionDone{Action: a})
	return nil
}
