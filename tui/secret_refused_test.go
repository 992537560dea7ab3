package tui_test

import (
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/steps/stepstest"
)

// A refused secret is cleared: the operator cannot see the masked value to
// correct it, and typing after it made the next answer a mismatch.
func TestRefusedSecretIsTypedAgainFromEmpty(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 80, 24)
	d.key("2")
	d.waitFor("[F] to take input from file")
	d.typeText("C")
	d.key("enter")
	d.waitFor("Enter tenant admin username")
	d.typeText("admin")
	d.key("enter")
	d.waitFor("Enter tenant admin password")
	d.typeText("short")
	d.key("enter")
	d.waitFor("it needs at least 8")
	if s := d.screen(); strings.Contains(s, "> •") {
		t.Fatalf("the refused password still stands in the field:\n%s", s)
	}
	d.typeText("Edge-Admin-1")
	d.key("enter")
	d.waitFor("Re-enter tenant admin password")
	d.typeText("Edge-Admin-1")
	d.key("enter")
	d.waitFor("Enter tenant domain name")
}
