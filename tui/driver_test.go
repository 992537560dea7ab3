package tui_test

import (
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/registration"
	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/steps/system"
	"github.com/edge-setup/edge-setup/tui"
)

// driver is a tiny synchronous Bubble Tea loop for tests: it runs commands in
// goroutines, feeds their messages back into Update and lets tests read the
// rendered screen. Spinner ticks are dropped so the loop goes quiet.
type driver struct {
	t     *testing.T
	m     *tui.Model
	msgs  chan tea.Msg
	quit  bool
	width int
	// frame, when set, sees every frame drawn (a secret must be on none).
	frame func(screen string)
}

func newDriver(t *testing.T, env *steps.Env, w, h int) *driver {
	return newDriverWith(t, tui.Options{Env: env}, w, h)
}

func newDriverWith(t *testing.T, o tui.Options, w, h int) *driver {
	d := &driver{t: t, m: tui.New(o), msgs: make(chan tea.Msg, 256), width: w}
	d.exec(d.m.Init())
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	// Ctrl+C closes the page shown, which stops what it runs (the B link's machine).
	t.Cleanup(func() { d.m.Update(keyMsg("ctrl+c")); d.m.Update(keyMsg("ctrl+c")) })
	return d
}

func (d *driver) exec(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() { d.msgs <- cmd() }()
}

func (d *driver) send(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil, spinner.TickMsg:
		return
	case tea.BatchMsg:
		for _, c := range msg {
			d.exec(c)
		}
		return
	case tea.QuitMsg:
		d.quit = true
		return
	}
	_, cmd := d.m.Update(msg)
	if d.frame != nil {
		d.frame(d.screen())
	}
	d.exec(cmd)
}

// key types keys: single characters, or names such as "enter", "esc", "ctrl+c".
func (d *driver) key(keys ...string) {
	for _, k := range keys {
		d.send(keyMsg(k))
		d.settle()
	}
}

func (d *driver) typeText(s string) {
	for _, r := range s {
		d.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func keyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "ctrl+u":
		return tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	}
	if len([]rune(k)) != 1 {
		panic("keyMsg: unknown key name " + k)
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// settle processes the messages that arrive within a short pause (bounded:
// a polling screen never goes quiet).
func (d *driver) settle() {
	deadline := time.After(50 * time.Millisecond)
	for {
		select {
		case msg := <-d.msgs:
			d.send(msg)
		case <-deadline:
			return
		}
	}
}

// screen is the current frame without styles.
func (d *driver) screen() string { return ansi.Strip(d.m.Render()) }

// flatten joins wrapped lines, so a phrase is found wherever the window
// width broke it.
func flatten(s string) string { return strings.Join(strings.Fields(s), " ") }

// hangGuard ends a test whose screen never shows what it waits for. It is
// not a speed limit: under -race on a loaded 2-core machine a password hash
// or a poll round can take seconds, so it is generous.
const hangGuard = time.Minute

// waitFor processes messages until the screen contains want.
func (d *driver) waitFor(want string) {
	d.t.Helper()
	deadline := time.After(hangGuard)
	for !strings.Contains(d.screen(), want) && !strings.Contains(flatten(d.screen()), want) {
		select {
		case msg := <-d.msgs:
			d.send(msg)
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			d.t.Fatalf("screen never showed %q; it shows:\n%s", want, d.screen())
		}
	}
}

// waitingWithoutTenantUser configures option 7 for url without a tenant user
// and waits until the registration screen polls.
func (d *driver) waitingWithoutTenantUser(url string) {
	d.t.Helper()
	d.key("7")
	d.waitFor(system.PromptCloudURL)
	d.typeText(url)
	d.key("enter")
	d.waitFor("Enter tenant user")
	d.key("enter", "y")
	d.waitFor(registration.StatusNotAccepted)
}

// answerCloudURL chooses option 7 and answers its cloud URL with url; it
// returns once the tenant user is asked.
func (d *driver) answerCloudURL(url string) {
	d.t.Helper()
	d.key("7")
	d.waitFor(system.PromptCloudURL)
	d.typeText(url)
	d.key("enter")
	d.waitFor("Enter tenant user")
}

// typeTenantUser configures option 7 for url with the tenant's admin user:
// it types the password and leaves Enter to the test.
func (d *driver) typeTenantUser(url string) {
	d.t.Helper()
	d.answerCloudURL(url)
	d.typeText(stepstest.AdminUser)
	d.key("enter")
	d.waitFor("Enter password of tenant user")
	d.typeText(stepstest.AdminPassword)
}

// startRegistrationAsTenantUser runs option 7 with the tenant user up to
// the registration screen showing the request not registered yet.
func (d *driver) startRegistrationAsTenantUser(url string) {
	d.t.Helper()
	d.typeTenantUser(url)
	d.key("enter")
	d.waitFor("Proceed? [y/N]")
	d.key("y")
	d.waitFor(registration.StatusNotRegistered)
}

// acceptInTenant plays the tenant's operator: register the device, wait
// until its poll made the request pending, accept it.
func (d *driver) acceptInTenant(w *stepstest.World) {
	d.t.Helper()
	id, _, _ := w.Env.Props.DeviceID()
	if err := w.Sim.CreateRequest(id); err != nil {
		d.t.Fatal(err)
	}
	for st := ""; st != "PENDING_ACCEPTANCE"; st, _ = w.Sim.RequestStatus(id) {
		d.settle()
	}
	if err := w.Sim.Accept(id); err != nil {
		d.t.Fatal(err)
	}
}
