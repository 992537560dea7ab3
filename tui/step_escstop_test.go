package tui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/edge-setup/edge-setup/steps"
)

// waiter is a step whose run waits until stopped, as S's proof does.
type waiter struct {
	steps.RemoteAccess
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
	c := &common{env: &steps.Env{Root: t.TempDir()}, styles: DefaultStyles(), width: 80, height: 24}
	w := waiter{started: make(chan struct{})}
	p := newStepPage(c, w, "Remote SSH access through the tenant")
	p.phase = phaseConfirm
	cmd := p.onKey(tea.KeyPressMsg{Code: 'y', Text: "y"})
	<-w.started
	if help := p.ShortHelp(); len(help) == 0 || help[0].Help().Desc != "stop" {
		t.Fatalf("the footer does not offer esc while waiting: %v", help)
	}
	p.onKey(tea.KeyPressMsg{Code: tea.KeyEscape})
	// Feed the run's messages until it has finished.
	msgs := []tea.Msg{}
	for _, c := range cmd().(tea.BatchMsg) {
		if c != nil {
			msgs = append(msgs, c())
		}
	}
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
