package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/options"
)

// waiter is a step whose run waits until stopped, as S's proof does.
type waiter struct {
	options.RemoteAccess
	started chan struct{}
}

func (w waiter) Run(ctx context.Context, _ *steps.Env, _ steps.Answers, emit steps.Emit) error {
	emit(steps.Event{Kind: steps.SubStepStarted, Name: "Prove that SSH through the tenant reaches this Edge"})
	close(w.started)
	<-ctx.Done()
	return ctx.Err()
}

// Esc stops a run that waits (S's proof) without leaving edge-setup, and
// the footer offers it while the run waits.
func TestEscStopsAWaitingRun(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := &common{env: &steps.Env{Root: t.TempDir(), Now: func() time.Time { return now }}, styles: DefaultStyles(), width: 80, height: 24}
	w := waiter{started: make(chan struct{})}
	p := newStepPage(c, w, "Remote SSH access through the tenant")
	p.phase = phaseConfirm
	cmd := p.onKey(tea.KeyPressMsg{Code: 'y', Text: "y"})
	<-w.started
	if help := p.ShortHelp(); len(help) == 0 || help[0].Help().Desc != "stop" {
		t.Fatalf("the footer does not offer esc while waiting: %v", help)
	}
	// Feed the run's messages until it has finished.
	msgs := []tea.Msg{}
	for _, c := range cmd().(tea.BatchMsg) {
		if c != nil {
			msgs = append(msgs, c())
		}
	}
	for _, m := range msgs { // the started event: the wait shows its seconds
		if e, ok := m.(stepEventMsg); ok {
			p.onEvent(e.event)
		}
	}
	now = now.Add(12 * time.Second)
	if v := ansi.Strip(p.View()); !strings.Contains(v, "12 s · esc stops") {
		t.Fatalf("the wait shows no time:\n%s", v)
	}
	p.onKey(tea.KeyPressMsg{Code: tea.KeyEscape})
	for len(msgs) > 0 && p.phase == phaseRunning {
		m := msgs[0]
		msgs = msgs[1:]
		if _, ok := m.(stepEventMsg); !ok {
			if _, ok := m.(stepFinishedMsg); !ok {
				continue
			}
		}
		_, next := p.Update(m)
		if next != nil {
			msgs = append(msgs, next())
		}
	}
	if p.phase != phaseFailed || !strings.Contains(p.runErr.Error(), "stopped before it finished") {
		t.Fatalf("phase %v, err %v", p.phase, p.runErr)
	}
}
