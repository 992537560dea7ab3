package tui_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/steps/system"
)

// A whole option typed at once (a runbook pasted key by key, or a fast
// typist): 7, Ctrl+U, the URL, Enter, the user, Enter, the password,
// Enter. Every answer lands in its field, queued behind the checks, and
// the password is on no frame.
func TestWholeOptionTypedAheadLandsFieldByField(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 100, 30)
	d.frame = func(s string) {
		if strings.Contains(s, stepstest.AdminPassword) || strings.Contains(s, "Passw0rd") {
			t.Fatalf("the password is on a frame:\n%s", s)
		}
	}
	d.send(keyMsg("7"))
	d.send(keyMsg("ctrl+u"))
	d.typeText(w.URL)
	d.send(keyMsg("enter"))
	d.typeText(stepstest.AdminUser)
	d.send(keyMsg("enter"))
	d.typeText(stepstest.AdminPassword)
	d.send(keyMsg("enter"))
	d.waitFor("Proceed?")
	s := flatten(d.screen())
	if !strings.Contains(s, "c8y.url="+w.URL) || strings.Contains(s, w.URL+"admin") || !strings.Contains(s, "as tenant user admin: this console can create") {
		t.Fatalf("the URL field got other answers:\n%s", d.screen())
	}
}

// The same answers pasted in one piece (bracketed paste: one message with
// line ends): each line goes to its field, the line end submits it.
func TestPastedAnswersGoLineByLineToTheirFields(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 100, 30)
	d.frame = func(s string) {
		if strings.Contains(s, "Passw0rd") {
			t.Fatalf("the password is on a frame:\n%s", s)
		}
	}
	d.key("7")
	d.waitFor(system.PromptCloudURL)
	d.send(tea.PasteMsg{Content: w.URL + "\n" + stepstest.AdminUser + "\r\n" + stepstest.AdminPassword + "\n"})
	d.waitFor("Proceed?")
	if s := flatten(d.screen()); !strings.Contains(s, "c8y.url="+w.URL) {
		t.Fatalf("the pasted answers did not land in their fields:\n%s", d.screen())
	}
}

// "y⏎" (the script habit) on a step that finishes at once: the Enter does
// not dismiss the result the operator has not read; an Enter pressed later
// (the clock moved on) does.
func TestEnterRightAfterYKeepsTheResult(t *testing.T) {
	for _, later := range []bool{false, true} {
		w := stepstest.New(t)
		var mu sync.Mutex // the step's goroutine reads the clock too
		now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		w.Env.Now = func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			if later {
				now = now.Add(time.Second)
			}
			return now
		}
		d := newDriver(t, w.Env, 100, 30)
		d.key("7")
		d.waitFor(system.PromptCloudURL)
		d.key("ctrl+u", "enter")
		d.waitFor("Proceed?")
		d.send(keyMsg("y"))
		d.waitFor("Done.") // a run that ends before the Enter of y⏎ arrives
		d.key("enter")
		if later {
			d.waitFor("Choose an option")
			continue
		}
		if s := d.screen(); strings.Contains(s, "Choose an option") {
			t.Fatalf("the Enter of y⏎ dismissed the result:\n%s", s)
		}
	}
}

// A 10,000-character paste is cut to what the field takes, with a message
// that says so, and the refusal that follows does not quote it whole.
func TestRunawayPasteIsCutAndSaid(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 100, 30)
	d.key("2")
	d.waitFor(system.PromptInputMode)
	d.send(tea.PasteMsg{Content: strings.Repeat("x", 10000)})
	d.waitFor("the field keeps the first 1024")
	d.key("enter")
	d.waitFor("(1024 characters)")
	if s := d.screen(); strings.Count(s, strings.Repeat("x", 60)) > 1 { // the field's own line shows its end
		t.Fatalf("the refusal quotes the paste whole:\n%s", d.screen())
	}
}
