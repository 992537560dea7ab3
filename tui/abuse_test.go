package tui_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"go.uber.org/goleak"

	"github.com/edge-setup/edge-setup/steps/registration"
	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/steps/system"
)

// TestMain fails the package when a goroutine outlives the tests, except
// the test driver's own command goroutines: it runs every command in a
// goroutine and drops the messages nobody waits for (spinner and poll
// ticks still sleeping when a test ends), by design.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		goleak.IgnoreAnyFunction("github.com/edge-setup/edge-setup/tui_test.(*driver).exec.func1"),
	)
}

// screenAt brings a fresh model to one of the screens.
func screenAt(t *testing.T, screen string, w, h int) (*driver, *stepstest.World) {
	t.Helper()
	world := stepstest.New(t)
	d := newDriver(t, world.Env, w, h)
	switch screen {
	case "menu":
	case "prompt":
		d.key("7")
		d.waitFor(system.PromptCloudURL)
	case "confirm":
		d.key("7")
		d.waitFor(system.PromptCloudURL)
		d.typeText(world.URL)
		d.key("enter")
		d.waitFor("Enter tenant user")
		d.key("enter")
		d.waitFor("Proceed? [y/N]")
	case "registration":
		d.key("7")
		d.waitFor(system.PromptCloudURL)
		d.typeText(world.URL)
		d.key("enter")
		d.waitFor("Enter tenant user")
		d.key("enter", "y")
		d.waitFor(registration.StatusNotAccepted)
	}
	return d, world
}

var abuseScreens = []string{"menu", "prompt", "confirm", "registration"}

// TestResizeStormOnEveryScreen: hundreds of window sizes, down to nothing,
// never panic; back at a usable size the screen is whole again and keys
// work.
func TestResizeStormOnEveryScreen(t *testing.T) {
	for _, screen := range abuseScreens {
		t.Run(screen, func(t *testing.T) {
			d, _ := screenAt(t, screen, 80, 24)
			want := d.screen()
			rng := rand.New(rand.NewPCG(7, uint64(len(screen))))
			sizes := [][2]int{{0, 0}, {1, 1}, {20, 5}, {5, 20}, {1000, 3}, {3, 1000}}
			for range 300 {
				sizes = append(sizes, [2]int{rng.IntN(250), rng.IntN(80)})
			}
			for _, s := range sizes {
				d.send(tea.WindowSizeMsg{Width: s[0], Height: s[1]})
				_ = d.m.Render()
			}
			d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
			d.settle()
			if screen != "registration" && d.screen() != want { // the poll screen moves on its own
				t.Errorf("after the storm the %s differs:\n--- got\n%s\n--- want\n%s", screen, d.screen(), want)
			}
			d.key("esc")
			d.waitFor("Choose an option")
			d.key("7")
			d.waitFor(system.PromptCloudURL)
		})
	}
}

// TestTinyWindow: a 20x5 terminal shows something on every screen, Ctrl+C
// leaves from there, and menu keys still work (what they did shows once the
// window is large again).
func TestTinyWindow(t *testing.T) {
	for _, screen := range abuseScreens {
		t.Run(screen, func(t *testing.T) {
			d, _ := screenAt(t, screen, 80, 24)
			d.send(tea.WindowSizeMsg{Width: 20, Height: 5})
			d.settle()
			if strings.TrimSpace(d.screen()) == "" {
				t.Fatalf("nothing on a 20x5 %s", screen)
			}
			lines := strings.Split(d.m.Render(), "\n")
			wide := 0
			for _, l := range lines {
				wide = max(wide, ansi.StringWidth(l))
			}
			if len(lines) > 5 || wide > 20 {
				t.Logf("%s at 20x5 draws %d lines, up to %d wide (the terminal clips it)", screen, len(lines), wide)
			}
			d.key("ctrl+c")
			if !d.quit {
				t.Errorf("ctrl+c did not quit a 20x5 %s", screen)
			}
		})
	}
	t.Run("menu keys", func(t *testing.T) {
		world := stepstest.New(t)
		d := newDriver(t, world.Env, 20, 5)
		if strings.TrimSpace(d.screen()) == "" {
			t.Fatal("nothing on a 20x5 menu")
		}
		d.key("7")
		d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
		d.waitFor(system.PromptCloudURL)
	})
}

// TestCtrlCOnEveryScreenQuitsAndStopsPolling: Ctrl+C leaves from anywhere,
// and nothing talks to the tenant afterwards.
func TestCtrlCOnEveryScreenQuitsAndStopsPolling(t *testing.T) {
	for _, screen := range abuseScreens {
		t.Run(screen, func(t *testing.T) {
			d, world := screenAt(t, screen, 80, 24)
			d.key("ctrl+c")
			if !d.quit {
				t.Fatalf("ctrl+c did not quit the %s", screen)
			}
			before := world.Sim.CountRequests("", "")
			for range 6 {
				d.settle()
			}
			if after := world.Sim.CountRequests("", ""); after != before {
				t.Errorf("%d requests to the tenant after quitting the %s", after-before, screen)
			}
		})
	}
}
