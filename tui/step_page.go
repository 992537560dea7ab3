package tui

import (
	"context"
	"errors"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/edge-setup/edge-setup/steps"
)

// stepPage drives one option: prerequisites, prompts (with validation and
// slow verification), confirmation, the run with its sub-steps, the result.
type stepPage struct {
	c       *common
	id      int64
	step    steps.Step
	title   string // the menu text (option 8's depends on recorded state)
	answers steps.Answers
	phase   phase

	prompt     *steps.Prompt
	input      textinput.Model
	inputErr   string // validation error under the field
	carriedErr string // a ReaskError's reason, shown with the next prompt
	verifyErr  string // verification failure, operator may keep the value
	pending    string // value being checked
	unavailErr string

	confirm []string

	ctx     context.Context
	cancel  context.CancelFunc
	events  []steps.Event
	running string // name of the sub-step in progress
	runErr  error
	spinner spinner.Model
	ticking bool
}

type phase int

const (
	phaseLoading phase = iota
	phaseUnavailable
	phasePrompt
	phaseChecking
	phaseVerifyFailed
	phaseConfirm
	phaseRunning
	phaseDone
	phaseFailed
)

// Messages of the step page; each carries the page id.
type (
	promptMsg struct {
		page   int64
		prompt *steps.Prompt
		err    error
	}
	unavailableMsg struct {
		page int64
		err  error
	}
	checkedMsg struct {
		page      int64
		value     string
		invalid   error
		verifyErr error
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
	p := &stepPage{c: c, id: nextPageID(), step: s, title: title, answers: steps.Answers{}, ctx: ctx, cancel: cancel}
	p.spinner = spinner.New(spinner.WithSpinner(spinner.MiniDot))
	return p
}

func (p *stepPage) Init() tea.Cmd {
	id, env, s, a := p.id, p.c.env, p.step, p.answers
	return tea.Batch(p.spin(), func() tea.Msg {
		if err := s.Available(env); err != nil {
			return unavailableMsg{page: id, err: err}
		}
		pr, err := s.NextPrompt(env, a)
		return promptMsg{page: id, prompt: pr, err: err}
	})
}

// nextPrompt asks the step for its next question, off the Update loop.
func (p *stepPage) nextPrompt() tea.Cmd {
	id, env, s := p.id, p.c.env, p.step
	a := cloneAnswers(p.answers)
	return tea.Batch(p.spin(), func() tea.Msg {
		pr, err := s.NextPrompt(env, a)
		return promptMsg{page: id, prompt: pr, err: err}
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
	case phaseLoading, phaseChecking, phaseRunning:
		return true
	}
	return false
}

func cloneAnswers(a steps.Answers) steps.Answers {
	b := make(steps.Answers, len(a))
	for k, v := range a {
		b[k] = v
	}
	return b
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
	case checkedMsg:
		if msg.page == p.id {
			return p, p.onChecked(msg)
		}
	case confirmMsg:
		if msg.page == p.id {
			p.phase, p.confirm = phaseConfirm, msg.lines
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
	}
	if p.phase == phasePrompt {
		var cmd tea.Cmd
		p.input, cmd = p.input.Update(msg)
		return p, cmd
	}
	return p, nil
}

func (p *stepPage) onPrompt(msg promptMsg) tea.Cmd {
	if msg.err != nil {
		p.phase, p.runErr = phaseFailed, msg.err
		return nil
	}
	if msg.prompt == nil {
		env, s, a, id := p.c.env, p.step, cloneAnswers(p.answers), p.id
		return func() tea.Msg { return confirmMsg{page: id, lines: s.Confirm(env, a)} }
	}
	p.prompt = msg.prompt
	p.phase = phasePrompt
	p.inputErr, p.verifyErr, p.carriedErr = p.carriedErr, "", ""
	p.input = textinput.New()
	p.input.CharLimit = steps.MaxAnswerLength // a runaway paste must not freeze the console
	p.input.Prompt = "> "
	p.input.SetValue(msg.prompt.Default)
	p.input.CursorEnd()
	p.input.SetWidth(max(p.c.width-4, 20))
	if msg.prompt.Secret {
		p.input.EchoMode = textinput.EchoPassword
		p.input.EchoCharacter = '•'
	}
	return p.input.Focus()
}

// check validates (and verifies) the typed value off the Update loop:
// validators may read files, verifiers talk to the tenant.
func (p *stepPage) check(value string) tea.Cmd {
	p.phase, p.pending = phaseChecking, value
	pr, ctx, id := p.prompt, p.ctx, p.id
	return tea.Batch(p.spin(), func() tea.Msg {
		v, err := pr.Check(value)
		if err != nil {
			return checkedMsg{page: id, value: value, invalid: err}
		}
		if pr.Verify != nil {
			vctx, cancel := context.WithTimeout(ctx, verifyTimeout)
			defer cancel()
			return checkedMsg{page: id, value: v, verifyErr: pr.Verify(vctx, v)}
		}
		return checkedMsg{page: id, value: v}
	})
}

func (p *stepPage) onChecked(msg checkedMsg) tea.Cmd {
	switch {
	case msg.invalid != nil && steps.Forget(p.answers, msg.invalid):
		// Earlier answers are asked again; the reason goes with the next prompt.
		p.phase, p.carriedErr = phaseLoading, msg.invalid.Error()
		return p.nextPrompt()
	case msg.invalid != nil:
		p.phase, p.inputErr = phasePrompt, msg.invalid.Error()
		return p.input.Focus()
	case msg.verifyErr != nil:
		if errors.Is(msg.verifyErr, context.Canceled) {
			return nil
		}
		p.phase, p.verifyErr, p.pending = phaseVerifyFailed, msg.verifyErr.Error(), msg.value
		return nil
	}
	return p.accept(msg.value)
}

func (p *stepPage) accept(value string) tea.Cmd {
	p.answers[p.prompt.Key] = value
	p.phase = phaseLoading
	return p.nextPrompt()
}

func (p *stepPage) onKey(k tea.KeyPressMsg) tea.Cmd {
	switch p.phase {
	case phaseUnavailable, phaseDone, phaseFailed:
		if key.Matches(k, keys.Continue) {
			return gotoMenu(p.resultNotice())
		}
	case phasePrompt:
		switch {
		case key.Matches(k, keys.Back):
			return gotoMenu("Option cancelled: nothing was changed.")
		case key.Matches(k, keys.Submit):
			return p.check(p.input.Value())
		}
		var cmd tea.Cmd
		p.input, cmd = p.input.Update(k)
		if p.inputErr != "" {
			p.inputErr = ""
		}
		return cmd
	case phaseChecking:
		if key.Matches(k, keys.Back) {
			return gotoMenu("Option cancelled: nothing was changed.")
		}
	case phaseVerifyFailed:
		switch {
		case key.Matches(k, keys.KeepAnyway):
			return p.accept(p.pending)
		case key.Matches(k, keys.Edit):
			p.phase, p.verifyErr = phasePrompt, ""
			return p.input.Focus()
		case key.Matches(k, keys.Back):
			return gotoMenu("Option cancelled: nothing was changed.")
		}
	case phaseConfirm:
		switch {
		case key.Matches(k, keys.Proceed):
			return p.run()
		case key.Matches(k, keys.Decline):
			return gotoMenu("Option cancelled: nothing was changed.")
		}
	}
	return nil
}

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

func (p *stepPage) Busy() bool { return p.phase == phaseRunning }

// Close cancels whatever the page still has running; a running step sees
// its context cancelled and stops between sub-steps.
func (p *stepPage) Close() { p.cancel() }

func (p *stepPage) ShortHelp() []key.Binding {
	switch p.phase {
	case phasePrompt:
		return []key.Binding{keys.Submit, keys.Back}
	case phaseVerifyFailed:
		return []key.Binding{keys.Edit, keys.KeepAnyway, keys.Back}
	case phaseConfirm:
		return []key.Binding{keys.Proceed, keys.Decline}
	case phaseRunning:
		return []key.Binding{keys.ForceQuit}
	case phaseUnavailable, phaseDone, phaseFailed:
		return []key.Binding{keys.Continue}
	}
	return []key.Binding{keys.Back}
}
