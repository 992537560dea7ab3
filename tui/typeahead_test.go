package tui_test

import (
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/steps/system"
)

// The next answer typed while the URL is being checked goes to the next
// field, not into the void (the driver delivers the check's result only
// when it waits, so these keys always arrive during the check).
func TestAnswersTypedDuringACheckReachTheNextField(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 100, 30)
	d.key("7")
	d.waitFor(system.PromptCloudURL)
	d.typeText(w.URL)
	d.send(keyMsg("enter"))
	d.typeText(stepstest.AdminUser)
	d.send(keyMsg("enter"))
	d.waitFor("Enter password of tenant user " + stepstest.AdminUser)
}

// Keys typed during a check that then fails are dropped: they were meant
// for a question that is not asked, and must not land in the URL.
func TestTypeAheadIsDroppedWhenTheCheckFails(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 100, 30)
	d.key("7")
	d.waitFor(system.PromptCloudURL)
	d.typeText("http://127.0.0.1:1")
	d.send(keyMsg("enter"))
	d.typeText("admin")
	d.waitFor("Tab to keep it unchecked")
	if s := d.screen(); strings.Contains(s, "127.0.0.1:1admin") || !strings.Contains(s, "> http://127.0.0.1:1") {
		t.Fatalf("type-ahead reached the failed field:\n%s", s)
	}
}
