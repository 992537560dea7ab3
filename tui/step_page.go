package tui

import (
	"context"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/flow"
)

// stepPage drives one option: prerequisites, prompts (with validation and
// slow verification), confirmation, the run with its sub-steps, the result.
type stepPage struct {
	c     *common
	id    int64
	step  steps.Step
	title string     // the menu text (option 8's depends on recorded state)
	flow  *flow.Flow // the answers: the one prompt engine plain mode drives too
	phase phase

	field      *field // the prompt being answered
	typeahead  typeahead
	carriedErr string // a ReaskError's reason, shown with the next prompt
	unavailErr string
	verified   []string // checks passed so far ("✓ … answers as a Cumulocity tenant")

	confirm []string

	ctx     context.Context
	cancel  context.CancelFunc
	events  []steps.Event
	running string // name of the sub-step in progress
	// runningSince: when it started; a long wait (S's proof) shows its seconds.
	runningSince time.Time
	runErr       error
	back         int // lines the run's view is scrolled back from its end (PgUp)
	spinner      spinner.Model
	ticking      bool
	// proceeded: when y was pressed; an Enter right after it is the end of
	// the operator's "y⏎" habit, not a wish to leave the result unread.
	proceeded        time.Time
	keysSinceProceed int
}

// yEnterWindow: an Enter this soon after y (and the first key after it) is
// taken as part of "y⏎"; an operator reading the result takes far longer.
const yEnterWindow = 750 * time.Millisecond

type phase int

const (
	phaseLoading phase = iota
	phaseUnavailable
	phasePrompt // the field shows its own checking and failed states
	phaseConfirm
	phaseRunning
	phaseDone
	phaseFailed
)

// Messages of the step page; each carries the page id.
type (
	promptMsg struct {
		page   int64
		flow   *flow.Flow // the flow after it asked the step (answers read from a file included)
		prompt *steps.Prompt
		err    error
	}
	unavailableMsg struct {
		page int64
		err  error
	}
	confirmMsg struct {
		page  int64
		lines []string
	}
	stepEventMsg struct {
		page  int64
		event steps.Event
		ch    <-chan tea.Msg
	}
	stepFinishedMsg struct {
		page int64
		err  error
	}
)

func newStepPage(c *common, s steps.Step, title string) *stepPage {
	ctx, cancel := context.WithCancel(context.Background())
	p := &stepPage{c: c, id: nextPageID(), step: s, title: title, flow: flow.New(c.env, s), ctx: ctx, cancel: cancel}
	p.spinner = spinner.New(spinner.WithSpinner(spinner.MiniDot))
	return p
}

func (p *stepPage) Init() tea.Cmd {
	id, env, s, f := p.id, p.c.env, p.step, p.flow.Clone()
	return tea.Batch(p.spin(), func() tea.Msg {
		if err := s.Available(env); err != nil {
			return unavailableMsg{page: id, err: err}
		}
		pr, err := f.Next()
		return promptMsg{page: id, flow: f, prompt: pr, err: err}
	})
}

// nextPrompt asks the flow for its next question, off the Update loop, on
// a copy that Update adopts (answers the step read from a file included).
func (p *stepPage) nextPrompt() tea.Cmd {
	id, f := p.id, p.flow.Clone()
	return tea.Batch(p.spin(), func() tea.Msg {
		pr, err := f.Next()
		return promptMsg{page: id, flow: f, prompt: pr, err: err}
	})
}

// spin starts the spinner's tick chain unless it runs; the chain stops by
// itself in phases that show no spinner, so an operator reading a prompt
// costs no redraws.
func (p *stepPage) spin() tea.Cmd {
	if p.ticking {
		return nil
	}
	p.ticking = true
	return p.spinner.Tick
}

func (p *stepPage) spinning() bool {
	switch p.phase {
	case phaseLoading, phaseRunning:
		return true
	case phasePrompt:
		return p.field.checking()
	}
	return false
}

func (p *stepPage) Update(msg tea.Msg) (page, tea.Cmd) {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		if !p.spinning() {
			p.ticking = false // the chain stops; spin() restarts it when needed
			return p, nil
		}
		var cmd tea.Cmd
		p.spinner, cmd = p.spinner.Update(msg)
		return p, cmd
	case unavailableMsg:
		if msg.page == p.id {
			p.phase, p.unavailErr = phaseUnavailable, msg.err.Error()
		}
	case promptMsg:
		if msg.page == p.id {
			return p, p.onPrompt(msg)
		}
	case fieldCheckedMsg:
		if msg.page == p.id && p.phase == phasePrompt {
			cmd := p.onFieldOutcome(p.field.onChecked(msg))
			if p.phase == phasePrompt && p.field.state == fieldFailed {
				p.typeahead.drop()
			}
			return p, cmd
		}
	case confirmMsg:
		if msg.page == p.id {
			p.phase, p.confirm = phaseConfirm, msg.lines
			p.typeahead.drop()
		}
	case stepEventMsg:
		if msg.page == p.id {
			p.onEvent(msg.event)
			return p, waitFor(msg.ch)
		}
	case stepFinishedMsg:
		if msg.page == p.id {
			return p, p.onFinished(msg.err)
		}
	case tea.KeyPressMsg:
		return p, p.onKey(msg)
	case tea.PasteMsg:
		var cmds []tea.Cmd
		for _, m := range splitPaste(msg) {
			cmds = append(cmds, p.onInput(m))
		}
		return p, tea.Batch(cmds...)
	}
	if p.phase == phasePrompt {
		return p, p.field.update(msg)
	}
	return p, nil
}

func (p *stepPage) onPrompt(msg promptMsg) tea.Cmd {
	p.flow = msg.flow
	if msg.err != nil {
		p.phase, p.runErr = phaseFailed, msg.err
		return nil
	}
	if msg.prompt == nil {
		f, id := p.flow.Clone(), p.id
		return func() tea.Msg { return confirmMsg{page: id, lines: f.Plan()} }
	}
	p.phase = phasePrompt
	p.field = newField(p.c, p.id, p.ctx, msg.prompt, p.carriedErr)
	p.carriedErr = ""
	return tea.Batch(p.field.focus(), p.typeahead.replay(p.onInput))
}

// onFieldOutcome moves on once the field has an answer (or asks earlier
// questions again, or leaves).
func (p *stepPage) onFieldOutcome(o fieldOutcome, cmd tea.Cmd) tea.Cmd {
	switch o {
	case fieldCancel:
		return p.leave(cancelledNotice)
	case fieldPrevious:
		if !p.flow.Back(p.field.input.Value()) {
			return nil // the first question: nothing before it
		}
		p.phase = phaseLoading
		return p.nextPrompt()
	case fieldReask:
		// Earlier answers are asked again; the reason goes with the next prompt.
		err := p.field.reaskErr
		p.flow.Forget(err)
		p.phase, p.carriedErr = phaseLoading, err.Error()
		return p.nextPrompt()
	case fieldAccepted:
		f := p.field
		if f.prompt.Verify != nil && f.prompt.Verified != nil && f.verifyErr == "" {
			if v := f.prompt.Verified(f.answer); v != "" {
				p.verified = append(p.verified, v)
			}
		}
		return p.accept(f.input.Value(), f.answer, f.kept)
	}
	return tea.Batch(cmd, p.spin())
}

func (p *stepPage) accept(typed, value string, unchecked bool) tea.Cmd {
	if err := p.flow.Accept(typed, value, unchecked); err != nil {
		p.phase, p.runErr = phaseFailed, err
		return nil
	}
	if st := p.flow.HandOver(); st != nil {
		// e.g. option 7 on a connected Edge hands over to remote access
		return func() tea.Msg { return openStepMsg{step: st, title: st.Title(p.c.env)} }
	}
	p.phase = phaseLoading
	return p.nextPrompt()
}

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
	if steps.OptionLabel(p.step) == steps.DataBrokerLetter {
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
	if steps.OptionLabel(p.step) == steps.DataBrokerLetter {
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
