package plain_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/tui/plain"
)

// The action log as a link: the step still runs, the link is not written
// through, and ActionLogErr says so for the caller to warn (remote-access
// setup warns like apply).
func TestActionLogLinkIsReportedForAWarning(t *testing.T) {
	w := stepstest.New(t)
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("precious\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(w.Env.Root, steps.ActionLogFile)
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, logPath); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	ui := plain.New(plain.Options{Env: w.Env, In: strings.NewReader("\ny\n"), Out: &out})
	if err := ui.RunStep(context.Background(), options.ByNumber(7)); err != nil {
		t.Fatalf("option 7: %v\n%s", err, out.String())
	}
	if err := ui.ActionLogErr(); err == nil || !strings.Contains(err.Error(), "is a symbolic link") {
		t.Fatalf("ActionLogErr = %v", err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious\n" {
		t.Fatalf("written through the link: %q", b)
	}
}
