package plain_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/remoteaccess"
	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/tui/plain"
)

// proofWaiter runs as S's proof waits: it says what it waits for and
// until when, waits until stopped and reports the stop as S does.
type proofWaiter struct {
	options.RemoteAccess
	until time.Time
}

func (proofWaiter) Available(*steps.Env) error                                  { return nil }
func (proofWaiter) NextPrompt(*steps.Env, steps.Answers) (*steps.Prompt, error) { return nil, nil }
func (proofWaiter) Confirm(*steps.Env, steps.Answers) []string                  { return []string{"test remote access"} }

func (w proofWaiter) Run(ctx context.Context, _ *steps.Env, _ steps.Answers, emit steps.Emit) error {
	emit(steps.Event{Kind: steps.SubStepStarted, Name: "Test remote access"})
	emit(steps.Event{Kind: steps.Waiting, Name: "Test remote access", Detail: remoteaccess.AwaitTenant, Until: w.until})
	<-ctx.Done()
	err := &remoteaccess.Stopped{Awaited: remoteaccess.AwaitTenant, Err: ctx.Err()}
	emit(steps.Event{Kind: steps.SubStepFailed, Name: "Test remote access", Detail: err.Error()})
	return err
}

// lines is an output the test reads as it is written.
type lines struct {
	mu      sync.Mutex
	text    strings.Builder
	written chan struct{}
}

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	l.text.Write(p)
	l.mu.Unlock()
	select {
	case l.written <- struct{}{}:
	default:
	}
	return len(p), nil
}

// await waits until the output holds want (a hang guard only).
func (l *lines) await(t *testing.T, want string) {
	t.Helper()
	guard := time.After(30 * time.Second)
	for {
		l.mu.Lock()
		got := l.text.String()
		l.mu.Unlock()
		if strings.Contains(got, want) {
			return
		}
		select {
		case <-l.written:
		case <-guard:
			t.Fatalf("no %q in:\n%s", want, got)
		}
	}
}

// Plain mode counts down S's proof wait, by the environment's clock, and
// Ctrl+C (the context) stops it with the step's own account of the stop.
func TestPlainCountsDownAWaitAndStopsIt(t *testing.T) {
	w := stepstest.New(t)
	var mu sync.Mutex
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	w.Env.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	ticks := make(chan time.Time)
	out := &lines{written: make(chan struct{}, 1)}
	ui := plain.New(plain.Options{Env: w.Env, In: strings.NewReader("y\n"), Out: out, Ticks: ticks})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- ui.RunStep(ctx, proofWaiter{until: now.Add(45 * time.Second)}) }()

	out.await(t, "[wait]    "+remoteaccess.AwaitTenant+" · 45 s left · Ctrl+C stops")
	for _, left := range []string{"40", "35"} {
		advance(5 * time.Second)
		ticks <- now
		out.await(t, "[wait]    "+left+" s left")
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("the stopped run returned %v", err)
	}
	out.await(t, "x Stopped: the test was stopped while "+remoteaccess.AwaitTenant)
	out.await(t, "nothing was left half-done")
}
