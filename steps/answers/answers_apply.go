package answers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/registration"
)

// ErrRegistrationTimeout: `register: {wait: true}` ended before the Edge was connected.
var ErrRegistrationTimeout = errors.New("the Edge was not connected within the registration timeout")

// ApplyError says which option of an answers file failed.
type ApplyError struct {
	Option int
	Title  string
	Err    error
	// Changed is true when earlier options of the file already ran.
	Changed bool
}

func (e *ApplyError) Error() string {
	return fmt.Sprintf("option %s (%s) failed: %v", steps.OptionName(e.Option), e.Title, e.Err)
}

func (e *ApplyError) Unwrap() error { return e.Err }

// ApplyOptions configure Apply.
type ApplyOptions struct {
	// Start hears each option before it runs, with its Confirm lines.
	Start func(s steps.Step, confirm []string)
	// Event hears every event of every option (secrets of the file redacted).
	Event func(option int, e steps.Event)
	// Log records every event and result; nil logs nothing.
	Log *steps.ActionLog
	// Sleep is the registration's timer (nil: real time).
	Sleep func(context.Context, time.Duration) error
	// NoRecheck skips checking the file again at the start of Apply. Leave
	// it false when the lock was taken after LoadAnswers.
	NoRecheck bool
	// Result hears what each option did once it finished (or failed).
	Result func(OptionResult)
}

// Apply runs the options of plan in order, stopping at the first failure
// (an *ApplyError). Unless o.NoRecheck it first checks the file again against
// the Edge as it is now (the caller holds the lock by then): problems then
// come back as an *AnswersError and nothing is changed.
func Apply(ctx context.Context, env *steps.Env, plan *AnswersPlan, o ApplyOptions) error {
	if !o.NoRecheck {
		fresh, err := LoadAnswers(ctx, env, plan.Name, plan.data, CheckOptions{Verify: plan.verify})
		if err != nil {
			return err
		}
		plan = fresh
	}
	log := o.Log
	log.Redact(plan.secrets...)
	show := func(n int) steps.Emit {
		return func(e steps.Event) {
			if o.Event == nil {
				return
			}
			e.Name, e.Detail = redact(e.Name, plan.secrets), redact(e.Detail, plan.secrets)
			o.Event(n, e)
		}
	}
	ran := false
	var rec changeRecorder
	for _, po := range plan.Options {
		n := po.Step.Number()
		title := po.Step.Title(env)
		res := OptionResult{Option: fileOptionName(n), Title: title}
		report := func(result, detail string) {
			if o.Result != nil {
				res.Result, res.Detail = result, redact(detail, plan.secrets)
				o.Result(res)
			}
		}
		fail := func(err error) error {
			log.Finished(n, err)
			res.Changes = rec.changes()
			report(ResultFailed, err.Error())
			return &ApplyError{Option: n, Title: title, Err: &redactedError{msg: redact(err.Error(), plan.secrets), err: err}, Changed: ran || len(res.Changes) > 0}
		}
		wenv := rec.watch(env)
		if ctx.Err() != nil {
			// a signal between two options: the next one does not start
			return fail(fmt.Errorf("%w before option %s (%w)", steps.ErrInterrupted, res.Option, context.Cause(ctx)))
		}
		if po.Deferred {
			fresh, err := checkDeferred(ctx, env, po, plan)
			if err != nil {
				return fail(err)
			}
			po.Answers, po.Skip = fresh.Answers, fresh.Skip
		}
		emit := log.Wrap(n, show(n))
		if po.Skip != "" {
			if o.Start != nil {
				o.Start(po.Step, nil)
			}
			emit(steps.Event{Kind: steps.SubStepSkipped, Name: title, Detail: po.Skip})
		} else {
			if o.Start != nil {
				o.Start(po.Step, po.Step.Confirm(env, po.Answers))
			}
			if err := po.Step.Run(ctx, wenv, po.Answers, emit); err != nil {
				return fail(err)
			}
			log.Finished(n, nil)
		}
		if n == steps.DataBrokerNumber {
			if err := applyDataBrokerLink(ctx, wenv, po, emit, o.Sleep); err != nil {
				return fail(err)
			}
		}
		if po.Register != nil {
			if err := applyRegistration(ctx, wenv, po, emit, show(n), o.Sleep); err != nil {
				return fail(err)
			}
		}
		res.Changes = rec.changes()
		if len(res.Changes) == 0 {
			report(ResultUnchanged, po.Skip)
			continue
		}
		ran = true
		report(ResultChanged, "")
	}
	return nil
}

// checkDeferred checks an option that depends on an earlier one of the file,
// now that that one ran.
func checkDeferred(ctx context.Context, env *steps.Env, po PlannedOption, plan *AnswersPlan) (PlannedOption, error) {
	c := &checker{env: env}
	fresh := c.checkOption(ctx, po.src, nil, plan.verify)
	if len(c.problems) > 0 {
		msgs := make([]string, len(c.problems))
		for i, p := range c.problems {
			msgs[i] = p.String()
		}
		return po, fmt.Errorf("its answers in %s cannot be used now that the options before it ran (they did change the Edge): %s", plan.Name, strings.Join(msgs, "; "))
	}
	plan.secrets = append(plan.secrets, c.secrets...)
	return fresh, nil
}

// redactedError is an error whose text lost the file's secrets; errors.Is
// still sees the original.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

func redact(s string, secrets []string) string {
	for _, v := range secrets {
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "****")
		}
	}
	return s
}

// applyRegistration runs option 7's registration as the file asks.
func applyRegistration(ctx context.Context, env *steps.Env, po PlannedOption, emit, show steps.Emit, sleep func(context.Context, time.Duration) error) error {
	spec := po.Register
	t := steps.NewTrackerContext(ctx, emit)
	const name = "Register with the tenant"
	reg, err := options.EdgeAgent{}.NewRegistration(env, po.Answers)
	if err == nil && reg == nil {
		err = errors.New("remote management is disabled: there is no tenant to register with")
	}
	if err != nil {
		t.Emit(steps.Event{Kind: steps.SubStepFailed, Name: name, Detail: err.Error()})
		return err
	}
	// Only an Edge that still has to be registered needs the tenant user:
	// a rerun on a connected one creates and accepts nothing.
	if (spec.Create || spec.Accept) && !reg.CanManage() && po.Skip == "" {
		err := errors.New("create and accept need a tenant user: give tenant_user and tenant_password, or set C8Y_USER and C8Y_PASSWORD")
		t.Emit(steps.Event{Kind: steps.SubStepFailed, Name: name, Detail: err.Error()})
		return err
	}
	connected := func(conn *registration.Connection) error {
		t.Emit(steps.Event{Kind: steps.SubStepDone, Name: name, Detail: fmt.Sprintf("connected: tenant %s, managed object %s", conn.TenantID, conn.ManagedObjectID)})
		return nil
	}
	if !spec.Wait {
		return registerOnce(ctx, reg, spec, t, show, connected)
	}
	wctx := ctx
	if spec.Timeout > 0 {
		var cancel context.CancelFunc
		wctx, cancel = context.WithTimeout(ctx, spec.Timeout)
		defer cancel()
	}
	var lastProblem error // the last real reason, for the timeout message
	m := &registration.RegistrationMachine{Reg: reg, Sleep: sleep, Auto: registration.RegAuto{Create: spec.Create, Accept: spec.Accept}, Emit: applyRegEvents(t, show, reg, &lastProblem)}
	conn, err := m.Run(wctx, nil)
	switch {
	case err == nil:
		return connected(conn)
	case ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) && lastProblem != nil:
		err = fmt.Errorf("%w (%s); the last problem was: %v", ErrRegistrationTimeout, spec.Timeout, lastProblem)
	case ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded):
		err = fmt.Errorf("%w (%s): register %s at %s, or run edge-setup register --wait later", ErrRegistrationTimeout, spec.Timeout, reg.DeviceID, reg.RegisterLink())
	}
	t.Emit(steps.Event{Kind: steps.SubStepFailed, Name: name, Detail: err.Error()})
	return err
}

// registerOnce is `register: {wait: false}`: the machine without waiting
// (it acts as the file asks while the request moves on).
func registerOnce(ctx context.Context, reg *registration.Registration, spec *RegisterSpec, t *steps.Tracker, show steps.Emit, connected func(*registration.Connection) error) error {
	const name = "Register with the tenant"
	var lastProblem error
	m := &registration.RegistrationMachine{Reg: reg, Once: true, Auto: registration.RegAuto{Create: spec.Create, Accept: spec.Accept}, Emit: applyRegEvents(t, show, reg, &lastProblem)}
	conn, err := m.Run(ctx, nil)
	switch {
	case err == nil:
		return connected(conn)
	case errors.Is(err, registration.ErrNotConnectedYet):
		t.Skip(name, fmt.Sprintf("not connected yet (wait: false): register %s at %s, or run edge-setup register --wait", reg.DeviceID, reg.RegisterLink()))
		return nil
	}
	t.Emit(steps.Event{Kind: steps.SubStepFailed, Name: name, Detail: err.Error()})
	return err
}

// applyRegEvents reports the machine's events as the option's sub-steps
// and notes the last real problem (for the timeout message).
func applyRegEvents(t *steps.Tracker, show steps.Emit, reg *registration.Registration, lastProblem *error) func(registration.RegEvent) {
	status := func(s string) {
		show(steps.Event{Kind: steps.Info, Name: "Registration", Detail: "registration: " + s})
	} // the machine logs it
	return func(ev registration.RegEvent) {
		switch ev := ev.(type) {
		case registration.RegResumed:
			status(ev.Timeline.Current())
		case registration.RegRetrying:
			*lastProblem = ev.Err
			t.Warn(fmt.Sprintf("retrying in %s: %v", ev.Next.Round(time.Second), ev.Err))
		case registration.RegWarning:
			*lastProblem = ev.Err
			t.Warn(ev.Err.Error())
		case registration.RegTenantWarning:
			*lastProblem = ev.Err
			t.Warn(ev.Err.Error())
		case registration.RegStatusChanged:
			*lastProblem = nil
			status(ev.Status)
		case registration.RegActionStarted:
			t.Emit(steps.Event{Kind: steps.SubStepStarted, Name: applyActionName[ev.Action]})
		case registration.RegActionDone:
			t.Emit(steps.Event{Kind: steps.SubStepDone, Name: applyActionName[ev.Action], Detail: reg.DeviceID})
		case registration.RegActionFailed:
			t.Emit(steps.Event{Kind: steps.SubStepFailed, Name: applyActionName[ev.Action], Detail: ev.Err.Error()})
		}
	}
}

// applyActionName names the auto policy's actions as apply reports them.
var applyActionName = map[registration.RegAction]string{
	registration.RegCreate: "Create the registration request",
	registration.RegAccept: "Accept the registration request",
}
