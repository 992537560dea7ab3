package tui

import (
	"context"
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/databroker"
)

// verifyTimeout bounds a prompt's slow check (a tenant probe).
const verifyTimeout = 20 * time.Second

// run starts the step in its own goroutine; its events come back one message
// at a time through a channel (the listen-and-re-arm pattern).
func (p *stepPage) run() tea.Cmd {
	p.phase = phaseRunning
	ch := make(chan tea.Msg, 64)
	env, s, a, ctx, id := p.c.env, p.step, p.flow.Answers(), p.ctx, p.id
	go func() {
		defer close(ch)
		log := steps.NewActionLog(env)
		err := s.Run(ctx, env, a, log.Wrap(s.Number(), func(e steps.Event) { ch <- stepEventMsg{page: id, event: e, ch: ch} }))
		log.Finished(s.Number(), err)
		ch <- stepFinishedMsg{page: id, err: err}
	}()
	return tea.Batch(p.spin(), waitFor(ch))
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

// linkStarter is the Data Broker's new connector: after its run the link screen opens.
type linkStarter interface {
	NewLink(env *steps.Env, a steps.Answers) (*databroker.Broker, string, error)
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
	if ls, ok := p.step.(linkStarter); ok {
		env, a, id := p.c.env, p.flow.Answers(), p.id
		return func() tea.Msg {
			b, connID, err := ls.NewLink(env, a)
			if err != nil {
				return stepFinishedMsg{page: id, err: err}
			}
			return openLinkMsg{broker: b, connectorID: connID, auto: b.Cloud != nil}
		}
	}
	if rs, ok := p.step.(registrationStarter); ok {
		env, a, id, notice := p.c.env, p.flow.Answers(), p.id, p.summary()
		events := append([]steps.Event(nil), p.events...)
		return func() tea.Msg {
			reg, err := rs.NewRegistration(env, a)
			if err != nil {
				return stepFinishedMsg{page: id, err: err}
			}
			if reg == nil {
				return nil
			}
			return openRegMsg{reg: reg, notice: notice, ran: events}
		}
	}
	return nil
}

// summary says in one line what option 7's run did, for the registration screen.
func (p *stepPage) summary() string {
	saved, planned, unchanged := false, false, false
	for _, e := range p.events {
		switch {
		case e.Kind == steps.SubStepDone && e.Action == steps.ActionWrite:
			saved = true
		case e.Kind == steps.SubStepSkipped && e.Action == steps.ActionWrite:
			unchanged = true
		case e.Kind == steps.Planned:
			planned = true
		}
	}
	switch {
	case unchanged:
		return "Configuration unchanged; the agent was not restarted."
	case saved && planned:
		return "Configuration saved; the edge-agent restart was planned, not run (sandbox root)."
	case saved:
		return "Configuration saved; the edge-agent service was restarted."
	}
	return ""
}
