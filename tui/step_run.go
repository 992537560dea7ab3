package tui

import (
	"context"
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/edge-setup/edge-setup/steps"
)

// verifyTimeout bounds a prompt's slow check (a tenant probe).
const verifyTimeout = 20 * time.Second

// run starts the step in its own goroutine; its events come back one message
// at a time through a channel (the listen-and-re-arm pattern).
func (p *stepPage) run() tea.Cmd {
	p.phase = phaseRunning
	ch := make(chan tea.Msg, 64)
	env, s, a, ctx, id := p.c.env, p.step, cloneAnswers(p.answers), p.ctx, p.id
	go func() {
		defer close(ch)
		emit := func(e steps.Event) { ch <- stepEventMsg{page: id, event: e, ch: ch} }
		err := s.Run(ctx, env, a, emit)
		ch <- stepFinishedMsg{page: id, err: err}
	}()
	return waitFor(ch)
}

func waitFor(ch <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		return msg
	}
}

func (p *stepPage) onEvent(e steps.Event) {
	switch e.Kind {
	case steps.SubStepStarted:
		p.running = e.Name
		return
	case steps.SubStepDone, steps.SubStepFailed, steps.SubStepSkipped:
		p.running = ""
	}
	p.events = append(p.events, e)
}

// registrationStarter is option 7: after its run the registration screen opens.
type registrationStarter interface {
	NewRegistration(env *steps.Env, a steps.Answers) (*steps.Registration, error)
}

func (p *stepPage) onFinished(err error) tea.Cmd {
	p.running = ""
	if err != nil {
		p.phase, p.runErr = phaseFailed, err
		if errors.Is(err, context.Canceled) {
			p.runErr = errors.New("stopped before it finished; the steps marked ✓ above were done")
		}
		return nil
	}
	p.phase = phaseDone
	if rs, ok := p.step.(registrationStarter); ok {
		env, a, id := p.c.env, cloneAnswers(p.answers), p.id
		return func() tea.Msg {
			reg, err := rs.NewRegistration(env, a)
			if err != nil {
				return stepFinishedMsg{page: id, err: err}
			}
			if reg == nil {
				return nil
			}
			return openRegMsg{reg: reg, notice: "Edge agent configured for " + reg.URL + "."}
		}
	}
	return nil
}
