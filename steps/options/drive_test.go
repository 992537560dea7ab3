package options

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/system"
)

// Test helpers: a sandbox Env and a driver that behaves like a front end.

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func init() {
	// Keep the history's PBKDF2 cheap in tests; entries record their own count.
	system.PasswordHashIterations = 1000
}

type testEnv struct {
	*steps.Env
	vars map[string]string
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	root := t.TempDir()
	te := &testEnv{vars: map[string]string{}}
	te.Env = &steps.Env{
		Root:    root,
		Props:   edgeprops.New(root),
		Runner:  steps.NewRunner(root),
		Getenv:  func(k string) string { return te.vars[k] },
		Now:     func() time.Time { return testNow },
		Version: "test",
	}
	return te
}

// write creates a file under the root (host path) with mode 0644.
func (te *testEnv) write(t *testing.T, host, content string) string {
	t.Helper()
	p := steps.RootPath(te.Env, host)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return host
}

func (te *testEnv) read(t *testing.T, host string) string {
	t.Helper()
	data, err := os.ReadFile(steps.RootPath(te.Env, host))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func (te *testEnv) mode(t *testing.T, host string) os.FileMode {
	t.Helper()
	st, err := os.Stat(steps.RootPath(te.Env, host))
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

func (te *testEnv) exists(host string) bool {
	_, err := os.Stat(steps.RootPath(te.Env, host))
	return err == nil
}

// in is one operator input: the prompt it answers (substring of the prompt
// text, "" for any), the value typed, and the error Validate must give
// (substring; "" = accepted).
type in struct {
	prompt, value, err string
}

func ok(prompt, value string) in          { return in{prompt: prompt, value: value} }
func bad(prompt, value, errSub string) in { return in{prompt: prompt, value: value, err: errSub} }

// drive loops NextPrompt like a front end, feeding inputs; a refused input
// must be refused with the expected error, and the same prompt is asked
// again. It returns the answers and every prompt shown.
func drive(t *testing.T, env *steps.Env, s steps.Step, inputs ...in) (steps.Answers, []*steps.Prompt) {
	t.Helper()
	a := steps.Answers{}
	var shown []*steps.Prompt
	for i := 0; ; {
	next:
		p, err := s.NextPrompt(env, a)
		if err != nil {
			t.Fatalf("NextPrompt: %v", err)
		}
		if p == nil {
			break
		}
		shown = append(shown, p)
		for {
			if i >= len(inputs) {
				t.Fatalf("no input left for prompt %q (note %q)", p.Text, p.Note)
			}
			x := inputs[i]
			i++
			if x.prompt != "" && !strings.Contains(p.Text, x.prompt) {
				t.Fatalf("input %d expected prompt containing %q, got %q (note %q)", i, x.prompt, p.Text, p.Note)
			}
			v, err := p.Check(x.value)
			if x.err != "" {
				if err == nil {
					t.Fatalf("prompt %q accepted %q, want error containing %q", p.Text, x.value, x.err)
				}
				if !strings.Contains(err.Error(), x.err) {
					t.Fatalf("prompt %q, input %q: error %q, want it to contain %q", p.Text, x.value, err, x.err)
				}
				if p.Secret && x.value != "" && strings.Contains(err.Error(), x.value) {
					t.Fatalf("error of secret prompt %q shows the input", p.Text)
				}
				if steps.Forget(a, err) {
					goto next
				}
				continue
			}
			if err != nil {
				t.Fatalf("prompt %q refused %q: %v", p.Text, x.value, err)
			}
			a[p.Key] = v
			break
		}
		if len(shown) > 50 {
			t.Fatal("prompt loop does not end")
		}
	}
	if n := len(inputs); n > 0 && len(shown) == 0 {
		t.Fatalf("%d inputs given but nothing asked", n)
	}
	return a, shown
}

// run runs the step and returns its events.
func run(t *testing.T, env *steps.Env, s steps.Step, a steps.Answers) ([]steps.Event, error) {
	t.Helper()
	var evs []steps.Event
	err := s.Run(context.Background(), env, a, func(e steps.Event) { evs = append(evs, e) })
	for _, e := range evs {
		for _, k := range []string{steps.CfgAdminPassword, steps.KeyPasswordAgain} {
			if a[k] != "" && (strings.Contains(e.Detail, a[k]) || strings.Contains(e.Name, a[k])) {
				t.Fatalf("event %+v shows a password", e)
			}
		}
	}
	if err != nil {
		for _, k := range []string{steps.CfgAdminPassword, steps.KeyPasswordAgain} {
			if a[k] != "" && strings.Contains(err.Error(), a[k]) {
				t.Fatalf("error shows a password: %v", err)
			}
		}
	}
	return evs, err
}

func mustRun(t *testing.T, env *steps.Env, s steps.Step, a steps.Answers) []steps.Event {
	t.Helper()
	evs, err := run(t, env, s, a)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return evs
}

// planned returns the planned command lines.
func planned(env *steps.Env) []string {
	var out []string
	for _, c := range env.Runner.Planned() {
		out = append(out, c.String())
	}
	return out
}

func hasEvent(evs []steps.Event, kind steps.EventKind, sub string) bool {
	for _, e := range evs {
		if e.Kind == kind && (strings.Contains(e.Detail, sub) || strings.Contains(e.Name, sub)) {
			return true
		}
	}
	return false
}

func wantContains(t *testing.T, got, sub string) {
	t.Helper()
	if !strings.Contains(got, sub) {
		t.Fatalf("got %q, want it to contain %q", got, sub)
	}
}

func wantLines(t *testing.T, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func anyContains(lines []string, sub string) bool {
	for _, l := range lines {
		if strings.Contains(l, sub) {
			return true
		}
	}
	return false
}

// failingRunner executes for real (under the test root) through a fake that
// fails every command with output.
func failingRunner(te *testEnv, output string) *steps.Runner {
	return &steps.Runner{Root: te.Root, Execute: true, Exec: func(ctx context.Context, c steps.Command) ([]byte, error) {
		return []byte(output), errors.New("exit status 1")
	}}
}
