package steps_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/registration"
)

func logEnv(t *testing.T) *steps.Env {
	t.Helper()
	root := t.TempDir()
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	return &steps.Env{Root: root, Props: edgeprops.New(root), Runner: steps.NewRunner(root), Now: func() time.Time { return at }}
}

func TestActionLogLines(t *testing.T) {
	env := logEnv(t)
	l := steps.NewActionLog(env)
	if want := filepath.Join(env.Root, steps.ActionLogFile); l.Path() != want {
		t.Fatalf("path = %s, want %s", l.Path(), want)
	}
	if _, err := os.Stat(filepath.Dir(l.Path())); err == nil {
		t.Fatal("the log directory exists before the first line")
	}
	var seen []steps.Event
	emit := l.Wrap(7, func(e steps.Event) { seen = append(seen, e) })
	emit(steps.Event{Kind: steps.SubStepStarted, Name: "Write x"})
	emit(steps.Event{Kind: steps.Waiting, Name: "Write x", Detail: "waiting for the tenant", Until: time.Now()}) // shown, not logged
	emit(steps.Event{Kind: steps.SubStepDone, Name: "Write x", Detail: "c8y.url=https://a.example.com"})
	emit(steps.Event{Kind: steps.SubStepFailed, Name: "Restart", Detail: "exit status 1\nsecond line"})
	l.LogRegistration(registration.StatusPending)
	l.Finished(7, errors.New("it broke"))
	l.Finished(6, steps.ErrCancelled)
	l.Finished(5, nil)
	if len(seen) != 4 {
		t.Errorf("wrapped emit saw %d events, want 4", len(seen))
	}
	raw, err := os.ReadFile(l.Path())
	if err != nil {
		t.Fatal(err)
	}
	want := `2026-03-01T12:00:00Z option=7 step="Write x" outcome=done detail="c8y.url=https://a.example.com"
2026-03-01T12:00:00Z option=7 step=Restart outcome=failed detail="exit status 1\nsecond line"
2026-03-01T12:00:00Z option=7 step=Registration outcome="Pending acceptance"
2026-03-01T12:00:00Z option=7 step="" outcome=failed detail="it broke"
2026-03-01T12:00:00Z option=6 step="" outcome=cancelled
2026-03-01T12:00:00Z option=5 step="" outcome=completed
`
	if string(raw) != want {
		t.Errorf("log =\n%s\nwant\n%s", raw, want)
	}
	st, _ := os.Stat(l.Path())
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v", st.Mode().Perm())
	}
	if l.Err() != nil {
		t.Error(l.Err())
	}
}

func TestActionLogAppendsAcrossInstances(t *testing.T) {
	env := logEnv(t)
	steps.NewActionLog(env).Record(1, "a", "done", "")
	steps.NewActionLog(env).Record(2, "b", "done", "")
	raw, _ := os.ReadFile(steps.NewActionLog(env).Path())
	if n := strings.Count(string(raw), "\n"); n != 2 {
		t.Errorf("%d lines, want 2:\n%s", n, raw)
	}
}

func TestActionLogRedacts(t *testing.T) {
	env := logEnv(t)
	l := steps.NewActionLog(env)
	l.Redact("s3cret-value", "fai") // too short values are ignored
	l.Record(7, "step", "failed", "the tenant refused s3cret-value (401)")
	raw, _ := os.ReadFile(l.Path())
	if strings.Contains(string(raw), "s3cret") || !strings.Contains(string(raw), "refused ****") || !strings.Contains(string(raw), "outcome=failed") {
		t.Errorf("log = %s", raw)
	}
}

func TestActionLogNilAndUnwritable(t *testing.T) {
	var l *steps.ActionLog
	l.Record(1, "x", "done", "")
	l.Wrap(1, nil)(steps.Event{Kind: steps.Info, Detail: "x"})
	if l.Err() != nil || l.Path() != "" {
		t.Error("nil log is not inert")
	}
	env := logEnv(t)
	// var/log is a file: the log cannot be created; the step goes on.
	if err := os.MkdirAll(filepath.Join(env.Root, "var"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(env.Root, "var/log"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	w := steps.NewActionLog(env)
	called := false
	w.Wrap(3, func(steps.Event) { called = true })(steps.Event{Kind: steps.SubStepDone, Name: "x"})
	if !called || w.Err() == nil {
		t.Errorf("called=%v err=%v: want the event passed on and the error kept", called, w.Err())
	}
}
