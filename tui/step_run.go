package tui

import (
	"context"
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/options"
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
		p.running, p.runningSince, p.waiting = e.Name, p.c.now(), steps.Event{}
		return
	case steps.Waiting:
		p.waiting = e
		return
	case steps.SubStepDone, steps.SubStepFailed, steps.SubStepSkipped:
		p.running, p.waiting = "", steps.Event{}
	}
	p.events = append(p.events, e)
}

func (p *stepPage) onFinished(err error) tea.Cmd {
	p.running, p.waiting = "", steps.Event{}
	if err != nil {
		p.phase, p.runErr = phaseFailed, err
		var explained interface{ ExplainsStop() } // the step says itself what a stop left
		if errors.Is(err, context.Canceled) && !errors.As(err, &explained) {
			p.runErr = errors.New("stopped before it finished; the steps marked ✓ above were done")
		}
		return nil
	}
	p.phase = phaseDone
	// What follows (registration wait, connector link) is decided in steps.
	env, st, a, id, notice := p.c.env, p.step, p.flow.Answers(), p.id, p.summary()
	events := append([]steps.Event(nil), p.events...)
	return func() tea.Msg {
		next, err := options.After(env, st, a)
		switch {
		case err != nil:
			return stepFinishedMsg{page: id, err: err}
		case next.Broker != nil:
			return openLinkMsg{broker: next.Broker, connectorID: next.ConnectorID, auto: next.Broker.Cloud != nil}
		case next.Registration != nil:
			return openRegMsg{reg: next.Registration, notice: notice, ran: events}
		}
		return nil
	}
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
