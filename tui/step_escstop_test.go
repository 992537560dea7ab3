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
	"github.com/edge-setup/edge-setup/steps/remoteaccess"
)

// waiter is a step whose run waits until stopped, as S's proof does: it
// says what it waits for and until when, and reports the stop as S does.
type waiter struct {
	options.RemoteAccess
	started chan struct{}
	until   time.Time
}

func (w waiter) Run(ctx context.Context, _ *steps.Env, _ steps.Answers, emit steps.Emit) error {
	emit(steps.Event{Kind: steps.SubStepStarted, Name: "Test remote access"})
	emit(steps.Event{Kind: steps.Waiting, Name: "Test remote access", Detail: remoteaccess.AwaitTenant, Until: w.until})
	close(w.started)
	<-ctx.Done()
	return &remoteaccess.Stopped{Awaited: remoteaccess.AwaitTenant, Err: ctx.Err()}
}

// Esc stops a run that waits (S's proof) without leaving edge-setup, and
// the footer offers it while the run waits; the wait counts down the
// seconds left of its bound and the stop says what it left.
func TestEscStopsAWaitingRun(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := &common{env: &steps.Env{Root: t.TempDir(), Now: func() time.Time { return now }}, styles: DefaultStyles(), width: 80, height: 24}
	w := waiter{started: make(chan struct{}), until: now.Add(45 * time.Second)}
	p := newStepPage(c, w, "Remote SSH access through the tenant")
	p.phase = phaseConfirm
	cmd := p.onKey(tea.KeyPressMsg{Code: 'y', Text: "y"})
	<-w.started
	if help := p.ShortHelp(); len(help) == 0 || help[0].Help().Desc != "stop" {
		t.Fatalf("the footer does not offer esc while waiting: %v", help)
	}
	// The run's messages, one at a time, as Bubble Tea delivers them.
	deliver := func(m tea.Msg) tea.Cmd { _, next := p.Update(m); return next }
	var listen tea.Cmd
	for _, c := range cmd().(tea.BatchMsg) {
		if c == nil {
			continue
		}
		if m, ok := c().(stepEventMsg); ok { // the sub-step started
			listen = deliver(m)
		}
	}
	listen = deliver(listen()) // what it waits for, and until when
	for _, want := range []string{"45 s left · esc stops", "44 s left · esc stops", "33 s left · esc stops"} {
		v := ansi.Strip(p.View())
		if !strings.Contains(v, remoteaccess.AwaitTenant) || !strings.Contains(v, want) {
			t.Fatalf("the wait does not show %q:\n%s", want, v)
		}
		now = now.Add(time.Second)
		if want == "44 s left · esc stops" {
			now = now.Add(10 * time.Second)
		}
	}
	p.onKey(tea.KeyPressMsg{Code: tea.KeyEscape})
	for p.phase == phaseRunning && listen != nil {
		listen = deliver(listen())
	}
	v := strings.Join(strings.Fields(ansi.Strip(p.View())), " ")
	if p.phase != phaseFailed || !strings.Contains(v, "the test was stopped while "+remoteaccess.AwaitTenant) ||
		!strings.Contains(v, "nothing was left half-done") || strings.Contains(v, "s left ·") {
		t.Fatalf("phase %v, err %v:\n%s", p.phase, p.runErr, v)
	}
}
