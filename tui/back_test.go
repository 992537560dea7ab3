package tui_test

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/steps/system"
)

// Shift+Tab goes back to the previous answer with what was typed kept, and
// ↑ does the same; the value typed in the later field comes back too.
func TestShiftTabGoesBackKeepingTheAnswer(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 100, 30)
	d.answerCloudURL(w.URL)
	d.typeText("admn")
	d.key("enter")
	d.waitFor("Enter password of tenant user admn")
	if !strings.Contains(d.screen(), "shift+tab previous") {
		t.Fatalf("the footer does not offer going back:\n%s", d.screen())
	}
	d.send(tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift})
	d.waitFor("> admn")
	d.key("backspace", "backspace", "backspace")
	d.typeText("dmin")
	d.key("enter")
	d.waitFor("Enter password of tenant user admin")
	d.key("up")
	d.waitFor("> admin")
	d.key("up")
	d.waitFor("> " + w.URL)
}

// ? is typed into a text field and the footer says so (F1 is help there);
// on the menu ? opens the help and Esc closes it, staying on the menu.
func TestHelpKeyTellsTheTruth(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 100, 30)
	d.key("?")
	d.waitFor("Press ? or Esc to close this help.")
	d.key("esc")
	d.waitFor("Choose an option")
	d.key("7")
	d.waitFor(system.PromptCloudURL)
	d.key("ctrl+u", "?")
	s := d.screen()
	if !strings.Contains(s, "> ?") || !strings.Contains(s, "f1 help") || strings.Contains(s, "? help") {
		t.Fatalf("? in a field:\n%s", s)
	}
	d.send(tea.KeyPressMsg{Code: tea.KeyF1})
	d.waitFor("Press ? or Esc to close this help.")
	d.key("esc")
	d.waitFor("> ?")
}

// A key that means nothing on the menu says so, where an 80x24 window
// shows it (the menu is taller than that window).
func TestUnknownMenuKeySaysSo(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 80, 24)
	d.key("x")
	d.waitFor("x is not a menu key: choose 1-9 or S, B, D")
}

// On the registration screen, u asks for a tenant user: the advice names
// the key, and while the question is shown the footer says that Esc
// cancels the question (it does not leave the screen).
func TestRegistrationTenantUserQuestionFooterTellsTheTruth(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 120, 30)
	d.waitingWithoutTenantUser(w.URL)
	d.waitFor("Press u to give a tenant user")
	d.key("u")
	d.waitFor("esc cancel the question")
	d.key("esc")
	d.waitFor("Press u to give a tenant user")
}
