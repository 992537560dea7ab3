package tui

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/options"
)

// yEnterWindow: an Enter this soon after y (and the first key after it) is
// taken as part of "y⏎"; an operator reading the result takes far longer.
const yEnterWindow = 750 * time.Millisecond

// onInput takes a key or a pasted piece of one line: kept while the page
// loads or checks, given to the field when it takes input.
func (p *stepPage) onInput(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		return p.onKey(k)
	}
	switch {
	case p.phase == phaseLoading, p.phase == phasePrompt && p.field.checking():
		p.typeahead.keep(msg)
	case p.phase == phasePrompt:
		return p.field.edit(msg)
	}
	return nil
}

func (p *stepPage) onKey(k tea.KeyPressMsg) tea.Cmd {
	p.keysSinceProceed++
	switch p.phase {
	case phaseRunning:
		if p.escStops() && key.Matches(k, keys.Back) {
			p.cancel() // the run stops at its next wait and reports it
		}
		return nil
	case phaseUnavailable, phaseDone, phaseFailed:
		if p.strayEnter(k) {
			return nil
		}
		if key.Matches(k, keys.Continue) {
			return p.leave(p.resultNotice())
		}
	case phaseLoading:
		if !key.Matches(k, keys.Back) {
			p.typeahead.keep(k)
			return nil
		}
	case phasePrompt:
		if p.field.state == fieldChecking && !key.Matches(k, keys.Back) {
			p.typeahead.keep(k)
			return nil
		}
		return p.onFieldOutcome(p.field.onKey(k))
	case phaseConfirm:
		switch {
		case key.Matches(k, keys.Proceed):
			p.proceeded, p.keysSinceProceed = p.c.now(), 0
			return p.run()
		case key.Matches(k, keys.Decline):
			return p.leave(cancelledNotice)
		}
	}
	return nil
}

// leave goes back where the step was opened from: B's forms to B's list,
// every other option to the menu.
func (p *stepPage) leave(notice string) tea.Cmd {
	if options.OptionLabel(p.step) == steps.DataBrokerLetter {
		return func() tea.Msg { return openBrokerMsg{notice: notice} }
	}
	return gotoMenu(notice)
}

// strayEnter reports the Enter of "y⏎" arriving after a run that ended at
// once: it must not dismiss the result the operator has not read.
func (p *stepPage) strayEnter(k tea.KeyPressMsg) bool {
	return !p.proceeded.IsZero() && p.keysSinceProceed == 1 && k.Code == tea.KeyEnter &&
		p.c.now().Sub(p.proceeded) < yEnterWindow
}

// cancelledNotice is what the menu says after an option was left before it changed anything.
const cancelledNotice = "Option cancelled: nothing was changed."

func (p *stepPage) resultNotice() string {
	s := p.c.styles
	title := p.title
	switch p.phase {
	case phaseDone:
		return s.Success.Render(symDone+" ") + title + " completed."
	case phaseFailed:
		return s.Error.Render(symFailed+" ") + title + " did not complete: " + p.runErr.Error()
	}
	return ""
}

// escStops reports whether Esc may stop this step's run (steps.EscStoppable).
func (p *stepPage) escStops() bool {
	s, ok := p.step.(steps.EscStoppable)
	return ok && s.EscStops()
}

func (p *stepPage) Busy() bool { return p.phase == phaseRunning }

// Close cancels whatever the page still has running; a running step sees
// its context cancelled and stops between sub-steps.
func (p *stepPage) Close() { p.cancel() }

func (p *stepPage) ShortHelp() []key.Binding {
	if options.OptionLabel(p.step) == steps.DataBrokerLetter {
		return backToConnectors(p.phaseKeys()) // leave goes there
	}
	return p.phaseKeys()
}

func (p *stepPage) phaseKeys() []key.Binding {
	switch p.phase {
	case phasePrompt:
		b := p.field.shortHelp()
		if p.flow.CanGoBack() { // before esc: a narrow footer keeps it
			b = append(b[:len(b)-1:len(b)-1], keys.PrevAnswer, b[len(b)-1])
		}
		return b
	case phaseConfirm:
		return []key.Binding{keys.Proceed, keys.Decline}
	case phaseRunning:
		if p.escStops() {
			return []key.Binding{keys.StopWaiting, keys.ForceQuit}
		}
		return []key.Binding{keys.ForceQuit}
	case phaseUnavailable, phaseDone, phaseFailed:
		return []key.Binding{keys.Continue}
	}
	return []key.Binding{keys.Back}
}
