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
			if err := applyRegistration(ctx, wenv, po, emit, show(n), log, o.Sleep); err != nil {
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
func applyRegistration(ctx context.Context, env *steps.Env, po PlannedOption, emit, show steps.Emit, log *steps.ActionLog, sleep func(context.Context, time.Duration) error) error {
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
	status := func(s string) {
		show(steps.Event{Kind: steps.Info, Name: "Registration", Detail: "registration: " + s})
		log.LogRegistration(s)
	}
	created, accepted := false, false
	// act creates or accepts the request as the file asks; it reports
	// whether it did.
	act := func(st string) bool {
		if st == registration.StatusNotRegistered && spec.Create && !created {
			created = t.Do("Create the registration request", func() (string, error) { return reg.DeviceID, reg.CreateRequest(ctx) }) == nil
			return created
		}
		if st == registration.StatusPending && spec.Accept && !accepted {
			accepted = t.Do("Accept the registration request", func() (string, error) { return reg.DeviceID, reg.Accept(ctx) }) == nil
			return accepted
		}
		return false
	}
	connected := func(conn *registration.Connection) error {
		t.Emit(steps.Event{Kind: steps.SubStepDone, Name: name, Detail: fmt.Sprintf("connected: tenant %s, managed object %s", conn.TenantID, conn.ManagedObjectID)})
		return nil
	}
	if !spec.Wait {
		return registerOnce(ctx, reg, t, status, act, connected)
	}
	wctx := ctx
	if spec.Timeout > 0 {
		var cancel context.CancelFunc
		wctx, cancel = context.WithTimeout(ctx, spec.Timeout)
		defer cancel()
	}
	var lastProblem error // the last real reason, for the timeout message
	conn, err := reg.Wait(wctx, func(u registration.WaitUpdate) {
		switch {
		case u.Retrying != nil:
			lastProblem = u.Retrying
			t.Warn(fmt.Sprintf("retrying in %s: %v", u.Next.Round(time.Second), u.Retrying))
		case u.Warning != nil:
			lastProblem = u.Warning
			t.Warn(u.Warning.Error())
		case u.Status != "":
			lastProblem = nil
			status(u.Status)
			act(u.Status)
		}
	}, sleep)
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

// registerOnce is `register: {wait: false}`: one round, no waiting.
func registerOnce(ctx context.Context, reg *registration.Registration, t *steps.Tracker, status func(string), act func(string) bool, connected func(*registration.Connection) error) error {
	const name = "Register with the tenant"
	conn, err := reg.CheckExisting(ctx)
	if err == nil {
		status(registration.StatusConnected)
		return connected(conn)
	}
	if !errors.Is(err, registration.ErrNoCredentials) && !errors.Is(err, registration.ErrCredentialsInvalid) {
		t.Emit(steps.Event{Kind: steps.SubStepFailed, Name: name, Detail: err.Error()})
		return err
	}
	last := ""
	for range 5 { // not registered -> create -> waiting -> pending -> accept -> accepted
		out := reg.PollOnce(ctx, 0, 0)
		switch {
		case out.Fatal != nil:
			t.Emit(steps.Event{Kind: steps.SubStepFailed, Name: name, Detail: out.Fatal.Error()})
			return out.Fatal
		case out.Retrying != nil:
			t.Emit(steps.Event{Kind: steps.SubStepFailed, Name: name, Detail: out.Retrying.Error()})
			return out.Retrying
		case out.Credentials != nil:
			status(registration.StatusAccepted)
			conn, err := reg.Complete(ctx, out.Credentials)
			if err != nil {
				t.Emit(steps.Event{Kind: steps.SubStepFailed, Name: name, Detail: err.Error()})
				return err
			}
			status(registration.StatusConnected)
			return connected(conn)
		}
		if out.Status != last {
			status(out.Status)
		}
		acted := act(out.Status)
		if !acted && out.Status == last {
			break
		}
		last = out.Status
	}
	t.Skip(name, fmt.Sprintf("not connected yet (wait: false): register %s at %s, or run edge-setup register --wait", reg.DeviceID, reg.RegisterLink()))
	return nil
}
