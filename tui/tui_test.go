package tui_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/edge-setup/edge-setup/steps/registration"
	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/steps/system"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestMenuShowsTheNineOptionsAndRules(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 100, 30)
	s := d.screen()
	for _, want := range []string{"1. Configure network", "2. Run post-installation", "3. Update license and SSL certificates",
		"4. Run post-upgrade", "5. Expand disk size", "6. Update tenant password", "7. Configure Edge Agent",
		"8. Enable microservice hosting feature", "9. Exit", "Options 3, 4 and 6 work only after option 2"} {
		if !strings.Contains(s, want) {
			t.Errorf("menu lacks %q:\n%s", want, s)
		}
	}
}

func TestScreensFitTheWindow(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {100, 30}, {60, 20}} {
		w := stepstest.New(t)
		d := newDriver(t, w.Env, size[0], size[1])
		check := func(where string) {
			lines := strings.Split(d.m.Render(), "\n")
			if len(lines) > size[1] {
				t.Errorf("%dx%d %s: %d lines", size[0], size[1], where, len(lines))
			}
			for _, l := range lines {
				if ansi.StringWidth(l) > size[0] {
					t.Errorf("%dx%d %s: line wider than the window: %q", size[0], size[1], where, ansi.Strip(l))
				}
			}
		}
		check("menu")
		d.key("7")
		d.waitFor("Enter cloud URL")
		check("prompt")
	}
}

func TestMenuGolden(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 80, 24)
	got := d.screen()
	path := filepath.Join("testdata", "menu-80x24.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./tui -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("menu differs from %s:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestArrowsAndEnterSelect(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 100, 30)
	d.key("up", "down", "enter") // the cursor starts on 7
	d.waitFor(system.PromptCloudURL)
}

func TestQuitKeys(t *testing.T) {
	for _, k := range []string{"q", "9", "ctrl+c"} {
		w := stepstest.New(t)
		d := newDriver(t, w.Env, 80, 24)
		d.key(k)
		if !d.quit {
			t.Errorf("%s did not quit", k)
		}
	}
}

func TestOption7FullRegistrationFromTheConsole(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 100, 30)
	d.typeTenantUser(w.URL)
	if strings.Contains(d.screen(), stepstest.AdminPassword) {
		t.Fatal("the password is echoed")
	}
	d.key("enter")
	d.waitFor("Proceed? [y/N]")
	d.key("y")
	d.waitFor(registration.StatusNotRegistered)
	id, _, _ := w.Env.Props.DeviceID()
	s := d.screen()
	for _, want := range []string{id, w.URL + "/apps/devicemanagement/index.html#/deviceregistration", "c create request"} {
		if !strings.Contains(s, want) {
			t.Errorf("registration screen lacks %q:\n%s", want, s)
		}
	}
	d.key("c")
	d.waitFor(registration.StatusPending)
	d.key("a")
	d.waitFor("Connected to tenant " + stepstest.TenantID)
	if !strings.Contains(d.screen(), "Managed object") {
		t.Errorf("no managed object on screen:\n%s", d.screen())
	}
	if strings.Contains(d.screen(), stepstest.AdminPassword) {
		t.Error("a secret is on screen")
	}
	d.key("enter")
	d.waitFor("The Edge is connected to " + w.URL)

	// Choosing 7 again shows the connection without polling for credentials.
	polls := w.Sim.CountRequests("POST", "/devicecontrol/deviceCredentials")
	d.key("7")
	d.waitFor(system.PromptCloudURL)
	d.key("enter") // keep the prefilled URL
	d.waitFor("This Edge is registered with")
	d.key("enter") // check the connection: no tenant user asked
	d.waitFor("Proceed? [y/N]")
	if !strings.Contains(d.screen(), "Keep c8y.url="+w.URL) {
		t.Errorf("confirmation:\n%s", d.screen())
	}
	d.key("y")
	d.waitFor("Connected to tenant")
	if n := w.Sim.CountRequests("POST", "/devicecontrol/deviceCredentials"); n != polls {
		t.Errorf("choosing 7 on a registered Edge polled %d more times", n-polls)
	}
}

func TestOption7WithoutTenantUserCompletesWhenAcceptedInTheTenant(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 80, 24)
	d.waitingWithoutTenantUser(w.URL)
	if !strings.Contains(flatten(d.screen()), "Without a tenant user this console only sees") {
		t.Errorf("screen does not say what the device cannot know:\n%s", d.screen())
	}
	d.acceptInTenant(w)
	d.waitFor("Connected to tenant")
}

func TestOption7BadURLShowsReasonAndStays(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 100, 30)
	d.key("7")
	d.waitFor(system.PromptCloudURL)
	d.typeText("ftp://acme.cumulocity.com")
	d.key("enter")
	d.waitFor("use https://")
	d.key("esc")
	d.waitFor("nothing was changed")
	if cfg, _ := w.Env.Props.LoadAgentConfig(); cfg.URL != "" {
		t.Errorf("url saved: %q", cfg.URL)
	}
}

func TestOption7UnreachableTenantOffersCorrectOrKeep(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 100, 30)
	d.key("7")
	d.waitFor(system.PromptCloudURL)
	d.typeText("http://127.0.0.1:1")
	d.key("enter")
	d.waitFor("Tab to keep it unchecked")
	// Typing goes to the field: the s of https is not "keep anyway".
	for range len("http://127.0.0.1:1") {
		d.key("backspace")
	}
	d.typeText("https://")
	if s := d.screen(); !strings.Contains(s, "> https://") || strings.Contains(s, "refused") {
		t.Fatalf("typing after a failed check did not edit the field:\n%s", s)
	}
	d.typeText("127.0.0.1:1")
	d.key("enter")
	d.waitFor("refused the connection")
	d.key("tab")
	d.waitFor("Enter tenant user")
}

func TestRefusedTenantUserCannotBeKept(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 100, 30)
	d.answerCloudURL(w.URL)
	d.waitFor("answers as a Cumulocity tenant")
	d.typeText(stepstest.AdminUser)
	d.key("enter")
	d.waitFor("Enter password of tenant user")
	d.typeText("not-the-password")
	d.key("enter")
	d.waitFor("401")
	if s := d.screen(); strings.Contains(s, "Tab") || strings.Contains(s, "keep") {
		t.Errorf("a refused tenant user is offered to be kept:\n%s", s)
	}
	d.key("tab")
	d.settle()
	if !strings.Contains(d.screen(), "401") {
		t.Errorf("tab moved on from a refused user:\n%s", d.screen())
	}
}

func TestWrongBootstrapPasswordStopsTheRegistration(t *testing.T) {
	w := stepstest.New(t)
	w.Vars["C8Y_BOOTSTRAP_PASSWORD"] = "wrong-one"
	d := newDriver(t, w.Env, 100, 30)
	d.key("7")
	d.waitFor(system.PromptCloudURL)
	d.typeText(w.URL)
	d.key("enter")
	d.waitFor("Enter tenant user")
	d.key("enter", "y")
	d.waitFor("Registration stopped")
	if !strings.Contains(d.screen(), "bootstrap password") || strings.Contains(d.screen(), "wrong-one") {
		t.Errorf("screen:\n%s", d.screen())
	}
}

func TestEscStopsThePoll(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 100, 30)
	d.waitingWithoutTenantUser(w.URL)
	d.key("esc")
	d.waitFor("Choose an option")
	before := w.Sim.CountRequests("POST", "/devicecontrol/deviceCredentials")
	for range 10 {
		d.settle()
	}
	if after := w.Sim.CountRequests("POST", "/devicecontrol/deviceCredentials"); after != before {
		t.Errorf("%d polls after leaving the screen", after-before)
	}
}

func TestOption3BeforeOption2IsRefused(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 100, 30)
	d.key("3")
	d.waitFor("Not available now")
	d.waitFor("option 2")
	d.key("enter")
	d.waitFor("Choose an option")
}

func TestLeavingAWaitingRegistrationAndResumingIt(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 100, 30)
	d.waitingWithoutTenantUser(w.URL)
	d.key("esc")
	d.waitFor("to resume it")

	// A new start of the tool (a new model on the same root) offers it too.
	d = newDriver(t, w.Env, 100, 30)
	d.waitFor("to resume it")
	d.key("r")
	d.waitFor("Resumed the registration started")
	d.acceptInTenant(w)
	d.waitFor("Connected to tenant")
	d.key("enter")
	d.waitFor("Choose an option")
	d.settle()
	if strings.Contains(d.screen(), "resume") {
		t.Errorf("a connected Edge still offers to resume:\n%s", d.screen())
	}
}

func TestResumedRegistrationOffersTheSameActionsAndATimelineThatOnlyMovesOn(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 100, 30)
	d.startRegistrationAsTenantUser(w.URL)
	d.key("c")
	d.waitFor(registration.StatusPending)
	d.key("esc")
	d.waitFor("to resume it")

	// The same run: the tenant user is still known.
	d.key("r")
	d.waitFor("Resumed the registration started")
	d.settle()
	if s := d.screen(); !strings.Contains(s, "a accept") || strings.Count(s, registration.StatusPending) != 1 {
		t.Errorf("resumed in the same run: want the a key and one %q line:\n%s", registration.StatusPending, s)
	}
	d.key("esc")
	d.waitFor("to resume it")

	// A new run: the device alone says "not accepted yet", which is not news.
	d = newDriver(t, w.Env, 100, 30)
	d.waitFor("to resume it")
	d.key("r")
	d.waitFor("Resumed the registration started")
	for range 3 {
		d.settle()
	}
	s := d.screen()
	if strings.Contains(s, registration.StatusNotAccepted) || !strings.Contains(s, "u give a tenant user") {
		t.Errorf("resumed in a new run: want no %q and the u key:\n%s", registration.StatusNotAccepted, s)
	}
	d.key("u")
	d.waitFor("Enter tenant user to create and accept")
	d.typeText(stepstest.AdminUser)
	d.key("enter")
	d.waitFor("Enter password of tenant user")
	d.typeText(stepstest.AdminPassword)
	d.key("enter")
	d.waitFor("a accept")
	if n := strings.Count(d.screen(), registration.StatusPending); n != 1 {
		t.Errorf("%d %q lines:\n%s", n, registration.StatusPending, d.screen())
	}
	d.key("a")
	d.waitFor("Connected to tenant")
	d.waitFor("credentials.properties")

	// Option 7 again with the same URL: nothing to write or register.
	d.key("enter")
	d.waitFor("Choose an option")
	d.key("7")
	d.waitFor(system.PromptCloudURL)
	d.key("enter")
	d.waitFor("This Edge is registered with " + w.URL)
	d.key("enter")
	d.waitFor("nothing is written and the edge-agent is not restarted")
	if strings.Contains(d.screen(), "tenant user") {
		t.Errorf("a connected Edge is asked for a tenant user:\n%s", d.screen())
	}
	d.key("y")
	d.waitFor("Connected to tenant")
}

func TestEnterAtProceedIsNoAndSaysNothingChanged(t *testing.T) {
	w := stepstest.New(t)
	path := filepath.Join(w.Env.Root, "usr/edge/properties/edge-agent/edge-agent.properties")
	before, _ := os.ReadFile(path)
	d := newDriver(t, w.Env, 100, 30)
	d.key("7")
	d.waitFor(system.PromptCloudURL)
	d.key("enter") // blank: disable remote management
	d.waitFor("Proceed? [y/N]")
	d.key("enter")
	d.waitFor("Option cancelled: nothing was changed.")
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Error("Enter at Proceed? [y/N] changed the agent configuration")
	}
}

func TestNarrowWindowKeepsHelpInTheFooterAndSaysMoreBelow(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 60, 20)
	lines := strings.Split(d.screen(), "\n")
	if last := lines[len(lines)-1]; !strings.HasSuffix(strings.TrimSpace(last), "? help") {
		t.Errorf("footer without ? help: %q", last)
	}
	if !strings.Contains(d.screen(), "more below") {
		t.Errorf("the cut menu does not say so:\n%s", d.screen())
	}
	d.key("pgdown")
	if !strings.Contains(d.screen(), "remote connection such as SSH") {
		t.Errorf("pgdn does not show the rest:\n%s", d.screen())
	}
}
