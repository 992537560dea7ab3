package tui

import (
	"context"
	"errors"

	tea "charm.land/bubbletea/v2"
	"github.com/edge-setup/edge-setup/steps/registration"
)

// run is the page's registration machine, as one long command; its events
// go to the channel listen reads, until the page closes.
func (p *regPage) run() tea.Cmd {
	ctx, events, cmds := p.ctx, p.events, p.cmds
	m := &registration.RegistrationMachine{Reg: p.reg, Emit: func(ev registration.RegEvent) {
		select {
		case events <- ev:
		case <-ctx.Done(): // the page is gone
		}
	}}
	return func() tea.Msg {
		defer close(events)
		_, _ = m.Run(ctx, cmds) // the events said everything
		return nil
	}
}

// listen waits for the machine's next event.
func (p *regPage) listen() tea.Cmd {
	events, id := p.events, p.id
	return func() tea.Msg {
		ev, ok := <-events
		if !ok {
			return nil
		}
		return regEventMsg{page: id, ev: ev}
	}
}

// send gives the machine a command; it takes it between two requests.
func (p *regPage) send(c registration.RegCommand) tea.Cmd {
	select {
	case p.cmds <- c:
		return nil
	default: // never in practice (keys are gated): deliver off the Update loop
		cmds, ctx := p.cmds, p.ctx
		return func() tea.Msg {
			select {
			case cmds <- c:
			case <-ctx.Done():
			}
			return nil
		}
	}
}

// onEvent keeps what the screen draws of an event.
func (p *regPage) onEvent(ev registration.RegEvent) {
	now := p.c.now()
	switch ev := ev.(type) {
	case registration.RegResumed:
		p.resumed, p.started, p.timeline = true, ev.Started, ev.Timeline
	case registration.RegChecking:
		p.checking = true
		if !ev.Stored && p.phase == regChecking {
			p.phase = regPolling
		}
	case registration.RegStatusChanged:
		p.timeline = ev.Timeline
	case registration.RegWarning:
		p.notice = ev.Err.Error()
	case registration.RegPolled:
		p.checking, p.retrying, p.tenantWarning = false, "", ""
		p.nextAt = now.Add(ev.Next)
	case registration.RegTenantWarning:
		p.tenantWarning = ev.Err.Error()
	case registration.RegRetrying:
		p.checking, p.retrying = false, ev.Err.Error()
		p.nextAt = now.Add(ev.Next)
	case registration.RegActionStarted:
		p.action, p.actionErr = actionName(ev.Action), ""
		if ev.Action == registration.RegRegisterAgain {
			p.phase, p.fatal, p.fatalErr = regPolling, "", nil
		}
	case registration.RegActionDone:
		p.action, p.actionErr = "", ""
		switch ev.Action {
		case registration.RegOperator:
			p.demoNote = ev.Note
		case registration.RegUseTenantUser:
			if ev.TenantUser != nil {
				p.canManage = true
				p.c.tenantUser = &tenantUserMemo{url: p.reg.URL, cr: *ev.TenantUser}
			}
		}
	case registration.RegActionFailed:
		p.action, p.actionErr = "", ev.Err.Error()
	case registration.RegCredentialsReceived:
		p.checking, p.retrying = false, ""
		p.phase = regCompleting
	case registration.RegConnection:
		p.checking, p.retrying = false, ""
		p.phase, p.conn = regConnected, ev.Conn
	case registration.RegFailed:
		p.checking = false
		if !errors.Is(ev.Err, context.Canceled) {
			p.phase, p.fatal, p.fatalErr = regFailed, ev.Err.Error(), ev.Err
		}
	}
}

func actionName(a registration.RegAction) string {
	switch a {
	case registration.RegCreate, registration.RegRegisterAgain:
		return "create"
	case registration.RegAccept:
		return "accept"
	case registration.RegOperator:
		return "demo"
	}
	return ""
}
