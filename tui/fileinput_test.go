package tui_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/steps/system"
)

// writeUnder creates a file at the host path p under the world's root.
func writeUnder(t *testing.T, w *stepstest.World, p, content string) {
	t.Helper()
	full := filepath.Join(w.Env.Root, p)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// networkFromFile answers option 1 with the parameter file of networkFiles.
func networkFromFile(t *testing.T, w *stepstest.World, d *driver) {
	t.Helper()
	networkFiles(t, w)
	d.key("1")
	d.waitFor(system.PromptInputMode)
	d.typeText("F")
	d.key("enter")
	d.waitFor(options.PromptNetworkFile)
	d.typeText("/root/net.txt")
	d.key("enter")
}

// Option 1 with F: every value of the parameter file reaches the plan and
// the run (they were read for validation and then dropped, and the plan
// said "static address /0").
func TestParameterFileAnswersReachThePlan(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 100, 30)
	networkFromFile(t, w, d)
	d.waitFor("Proceed?")
	if s := flatten(d.screen()); !strings.Contains(s, "static address 192.168.1.10/24, gateway 192.168.1.1, DNS 192.168.1.1") {
		t.Fatalf("the plan lost the file's answers:\n%s", d.screen())
	}
	d.key("y")
	d.waitFor("completed")
	cfg, err := os.ReadFile(filepath.Join(w.Env.Root, "opt/c8y/utilities/post-installer/config.dat"))
	if err != nil || !strings.Contains(string(cfg), "network.ip=192.168.1.10") {
		t.Fatalf("config.dat %q, %v", cfg, err)
	}
}

// At 60x20 a run's result is longer than the window: PgUp scrolls back to
// its first lines and PgDn forward again to the outcome.
func TestResultScrollsBackAt60x20(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 60, 20)
	networkFromFile(t, w, d)
	d.waitFor("This will:")
	d.key("y")
	d.waitFor("Done.")
	if s := d.screen(); !strings.Contains(s, "earlier lines") || strings.Contains(s, "Find the network interface") {
		t.Fatalf("the result fits the window; the test tests nothing:\n%s", s)
	}
	for i := 0; i < 5 && !strings.Contains(d.screen(), "Find the network interface"); i++ {
		d.key("pgup")
	}
	if s := d.screen(); !strings.Contains(s, "Find the network interface") || !strings.Contains(s, "later lines") {
		t.Fatalf("PgUp did not scroll back to the first line:\n%s", s)
	}
	for i := 0; i < 5 && !strings.Contains(d.screen(), "Done."); i++ {
		d.key("pgdown")
	}
	d.waitFor("Done.")
}
