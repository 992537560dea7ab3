package tui

import (
	"context"
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/registration"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// observe records a status; a change is kept under the root (off the
// Update loop) so that leaving and coming back resumes the registration.
func (p *regPage) observe(status string) tea.Cmd {
	if !p.timeline.Observe(status, p.c.now()) {
		return nil
	}
	reg := p.reg
	if status == registration.StatusConnected {
		// Complete and CheckExisting clear the progress themselves.
		return func() tea.Msg { steps.NewActionLog(reg.Env).LogRegistration(status); return nil }
	}
	prog := *p.progress
	prog.Timeline = append(registration.Timeline(nil), p.timeline...)
	return func() tea.Msg {
		steps.NewActionLog(reg.Env).LogRegistration(status)
		reg.SaveProgress(&prog)
		return nil
	}
}

func (p *regPage) checkExisting() tea.Cmd {
	p.checking = true
	ctx, reg, id := p.ctx, p.reg, p.id
	return func() tea.Msg {
		conn, err := reg.CheckExisting(ctx)
		return regExistingMsg{page: id, conn: conn, err: err}
	}
}

// poll sends one poll now and starts a new chain.
func (p *regPage) poll() tea.Cmd {
	p.seq++
	p.checking = true
	if p.started.IsZero() {
		p.started = p.c.now()
	}
	ctx, reg, id, seq := p.ctx, p.reg, p.id, p.seq
	elapsed, failures := p.c.now().Sub(p.started), p.failures
	return func() tea.Msg {
		return regPollMsg{page: id, seq: seq, out: reg.PollOnce(ctx, elapsed, failures)}
	}
}

func (p *regPage) schedule(d time.Duration) tea.Cmd {
	p.nextAt = p.c.now().Add(d)
	id, seq := p.id, p.seq
	return tea.Tick(d, func(time.Time) tea.Msg { return regTickMsg{page: id, seq: seq} })
}

func (p *regPage) onExisting(msg regExistingMsg) tea.Cmd {
	p.checking = false
	switch {
	case msg.err == nil:
		p.phase, p.conn = regConnected, msg.conn
		return p.observe(registration.StatusConnected)
	case errors.Is(msg.err, registration.ErrNoCredentials):
		p.phase = regPolling
		return p.poll()
	case errors.Is(msg.err, registration.ErrCredentialsInvalid):
		p.notice = msg.err.Error()
		p.phase = regPolling
		return p.poll()
	case errors.Is(msg.err, context.Canceled):
		return nil
	}
	if retry, _ := tenantapi.Retryable(msg.err); !retry {
		// TLS trust, a bad URL, an unusable answer: waiting cannot heal it
		p.phase, p.fatal, p.fatalErr = regFailed, msg.err.Error(), msg.err
		return nil
	}
	// The tenant could not be asked: try again later, without polling for
	// credentials the device may already have.
	p.failures++
	p.retrying = msg.err.Error()
	d := p.reg.Cadence.Retry(p.failures, 0)
	p.nextAt = p.c.now().Add(d)
	id := p.id
	return tea.Tick(d, func(time.Time) tea.Msg { return regRecheckMsg{page: id} })
}

func (p *regPage) onPoll(out registration.PollOutcome) tea.Cmd {
	p.checking = false
	if p.pendingUser != nil {
		// A tenant user given while this poll was in flight: taken now that
		// nothing reads the registration; a quiet outcome polls again at once
		// to show the tenant's view of the request.
		p.useTenantUser(p.pendingUser)
		p.pendingUser = nil
		if out.Fatal == nil && out.Retrying == nil && out.Credentials == nil {
			p.failures, p.retrying = 0, ""
			p.requestExists = out.RequestExists
			return tea.Batch(p.observe(out.Status), p.poll())
		}
	}
	switch {
	case out.Fatal != nil:
		if errors.Is(out.Fatal, context.Canceled) {
			return nil
		}
		p.phase, p.fatal, p.fatalErr = regFailed, out.Fatal.Error(), out.Fatal
		return nil
	case out.Retrying != nil:
		p.failures++
		p.retrying = out.Retrying.Error()
		return p.schedule(out.Next)
	case out.Credentials != nil:
		p.failures, p.retrying = 0, ""
		p.phase = regCompleting
		return tea.Batch(p.observe(registration.StatusAccepted), p.complete(out.Credentials))
	}
	p.failures, p.retrying = 0, ""
	p.requestExists = out.RequestExists
	p.tenantWarning = ""
	if out.TenantWarning != nil {
		p.tenantWarning = out.TenantWarning.Error()
	}
	return tea.Batch(p.observe(out.Status), p.schedule(out.Next))
}

func (p *regPage) complete(dc *tenantapi.DeviceCredentials) tea.Cmd {
	ctx, reg, id := p.ctx, p.reg, p.id
	return func() tea.Msg {
		conn, err := reg.Complete(ctx, dc)
		return regCompleteMsg{page: id, conn: conn, err: err, dc: dc}
	}
}

func (p *regPage) onComplete(msg regCompleteMsg) tea.Cmd {
	if msg.err == nil {
		p.phase, p.conn, p.completeErr, p.retrying = regConnected, msg.conn, "", ""
		return p.observe(registration.StatusConnected)
	}
	if errors.Is(msg.err, context.Canceled) {
		return nil
	}
	if retry, after := tenantapi.Retryable(msg.err); retry {
		p.failures++
		p.retrying = msg.err.Error()
		d := p.reg.Cadence.Retry(p.failures, after)
		p.nextAt = p.c.now().Add(d)
		dc := msg.dc
		return tea.Tick(d, func(time.Time) tea.Msg {
			return p.complete(dc)()
		})
	}
	p.phase, p.fatal, p.fatalErr = regFailed, msg.err.Error(), msg.err
	return nil
}
