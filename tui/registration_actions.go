package tui

import (
	"errors"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/registration"
)

// ask shows the next question for a tenant user (u), off the Update loop.
func (p *regPage) ask() tea.Cmd {
	reg, a, id := p.reg, cloneAnswers(p.askAnswers), p.id
	return func() tea.Msg {
		pr, err := options.TenantUserPrompt(reg, a)
		return regAskMsg{page: id, prompt: pr, err: err}
	}
}

func (p *regPage) onAsk(msg regAskMsg) tea.Cmd {
	switch {
	case msg.err != nil:
		p.asking, p.actionErr = nil, msg.err.Error()
		return nil
	case msg.prompt == nil:
		// The machine takes the user between two requests, never under one
		// in flight, and polls at once to show the tenant's view.
		p.asking = nil
		return p.send(registration.RegCommand{Action: registration.RegUseTenantUser, Answers: cloneAnswers(p.askAnswers)})
	}
	p.asking = newField(p.c, p.id, p.ctx, msg.prompt, "")
	return p.asking.focus()
}

func (p *regPage) onAskOutcome(o fieldOutcome, cmd tea.Cmd) tea.Cmd {
	switch o {
	case fieldCancel, fieldReask:
		p.asking = nil // back to the registration, which kept polling
		return nil
	case fieldAccepted:
		p.askAnswers[p.asking.prompt.Key] = p.asking.answer
		return p.ask()
	}
	return cmd
}

func (p *regPage) onKey(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, keys.Back):
		return gotoMenu(p.leaveNotice())
	case p.phase == regFailed && key.Matches(k, keys.Create) && p.canRegisterAgain():
		p.phase, p.fatal, p.fatalErr = regPolling, "", nil
		p.action, p.actionErr = "create", ""
		return p.send(registration.RegCommand{Action: registration.RegRegisterAgain})
	case p.phase == regConnected && key.Matches(k, keys.RemoteAccess):
		ra := options.RemoteAccess{}
		return func() tea.Msg { return openStepMsg{step: ra, title: ra.Title(p.c.env)} }
	case p.phase == regConnected || p.phase == regFailed:
		if key.Matches(k, keys.Continue) {
			return gotoMenu(p.leaveNotice())
		}
	case p.phase != regPolling || p.action != "":
	case key.Matches(k, keys.CheckNow):
		if !p.checking {
			p.checking = true
			return p.send(registration.RegCommand{Action: registration.RegCheckNow})
		}
	case key.Matches(k, keys.Create) && p.canCreate():
		p.action, p.actionErr = "create", ""
		return p.send(registration.RegCommand{Action: registration.RegCreate})
	case key.Matches(k, keys.Accept) && p.canAccept():
		p.action, p.actionErr = "accept", ""
		return p.send(registration.RegCommand{Action: registration.RegAccept})
	case key.Matches(k, keys.TenantUser) && !p.canManage:
		p.askAnswers = steps.Answers{}
		return p.ask()
	case key.Matches(k, keys.DemoOperator) && p.c.demoOperator != nil:
		p.action, p.actionErr = "demo", ""
		return p.send(registration.RegCommand{Action: registration.RegOperator, Operator: p.c.demoOperator})
	}
	return nil
}

func (p *regPage) canCreate() bool {
	return p.canManage && p.timeline.Current() == registration.StatusNotRegistered
}

// canRegisterAgain: the credentials the tenant issued were lost and a
// tenant user can delete the request and create it again.
func (p *regPage) canRegisterAgain() bool {
	return p.phase == regFailed && p.canManage && errors.Is(p.fatalErr, registration.ErrCredentialsLost)
}

func (p *regPage) canAccept() bool {
	return p.canManage && p.timeline.Current() == registration.StatusPending
}

func (p *regPage) leaveNotice() string {
	s := p.c.styles
	switch p.phase {
	case regConnected:
		return s.Success.Render(symDone+" ") + "The Edge is connected to " + p.reg.URL + "."
	case regFailed:
		return s.Error.Render(symFailed+" ") + "Registration stopped: " + p.fatal
	}
	return "Stopped waiting for the registration (the configuration stays saved): press r to resume it."
}

func (p *regPage) ShortHelp() []key.Binding {
	switch p.phase {
	case regConnected:
		return []key.Binding{keys.Continue, keys.RemoteAccess}
	case regFailed:
		if p.canRegisterAgain() {
			return []key.Binding{keys.Create, keys.Continue}
		}
		return []key.Binding{keys.Continue}
	}
	var b []key.Binding
	if p.canCreate() {
		b = append(b, keys.Create)
	}
	if p.canAccept() {
		b = append(b, keys.Accept)
	}
	if p.asking != nil {
		// Esc leaves the question, not the screen: the footer says so.
		b := p.asking.shortHelp()
		return append(b[:len(b)-1:len(b)-1], keys.CancelQuestion)
	}
	if p.phase == regPolling {
		if !p.canManage {
			b = append(b, keys.TenantUser)
		}
		if p.c.demoOperator != nil && !p.canManage {
			b = append(b, keys.DemoOperator) // with a tenant user, c and a do it
		}
		b = append(b, keys.CheckNow)
	}
	return append(b, keys.Back)
}
