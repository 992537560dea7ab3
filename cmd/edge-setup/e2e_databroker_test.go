package main

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/internal/demo"
)

// TestE2EDataBroker drives the real binary as a new operator would: option
// 2 with the demo's files, then B, a connector sharing measurements and
// alarms of all devices, linked from the console, until the demo devices'
// measurements arrive in the cloud tenant.
func TestE2EDataBroker(t *testing.T) {
	tm := startPTY(t, 100, 30, nil, "--demo")
	s := tm.waitFor("B. Data Broker: share Edge data with the cloud tenant")
	url := demoURL.FindStringSubmatch(s)[1]
	tm.send("b")
	tm.waitFor("option 2 (Run post-installation) has not")
	tm.send("\x1b")
	tm.waitFor("Choose an option")
	tm.send("2")
	for _, step := range []struct{ prompt, answer string }{
		{"take input from file or [C]", "C"},
		{"Enter tenant admin username", demo.EdgeAdmin},
		{"Enter tenant admin password", demo.EdgeAdminPassword},
		{"Re-enter tenant admin password", demo.EdgeAdminPassword},
		{"Enter tenant domain name", demo.Domain},
		{"SSL certificate file path", "/" + demo.FilesDir + "/" + demo.Domain + ".crt"},
		{"key file path", "/" + demo.FilesDir + "/" + demo.Domain + ".key"},
		{"licence file path", "/" + demo.FilesDir + "/" + demo.Domain + ".licence"},
		{"Enter cloud URL", url},
	} {
		tm.waitFor(step.prompt)
		tm.send(step.answer + "\r")
	}
	tm.waitFor("Proceed? [y/N]")
	tm.send("y")
	tm.waitFor("Done.")
	tm.send("\x1b") // Esc: an Enter this soon after y would be taken as the end of "y⏎"
	tm.waitFor("Choose an option")
	tm.send("b")
	tm.waitFor("Press n to create a connector")
	tm.send("n")
	for _, step := range []struct{ prompt, answer string }{
		{"Enter a title for the connector", ""},
		{"Enter a description", ""},
		{"What to share", "\x15measurements, alarms"}, // Ctrl+U clears the default
		{"Whose data", ""},
		{"Fragments to copy", ""},
		{"Type filter", ""},
		{"cloud tenant user", demo.User},
		{"Enter password of tenant user", demo.Password},
	} {
		tm.waitFor(step.prompt)
		tm.send(step.answer + "\r")
	}
	tm.waitFor("measurements, alarms of all devices of the Edge")
	tm.send("y")
	tm.waitFor("Virtual group Edge " + demo.Domain)
	arriving := regexp.MustCompile(`Data arriving: [1-9]\d* measurements? in the last minute`)
	deadline := time.Now().Add(20 * time.Second)
	for !arriving.MatchString(tm.screen()) {
		if time.Now().After(deadline) {
			t.Fatalf("no data arrived in the cloud tenant:\n%s", tm.screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
	scr := tm.screen()
	for _, want := range []string{"Pending acceptance", "Accepted", "Active"} {
		if !strings.Contains(scr, want) {
			t.Errorf("timeline lacks %q:\n%s", want, scr)
		}
	}
	tm.send("\x03")
	if code := tm.waitExit("Ctrl+C"); code != exitCanceled {
		t.Errorf("exit code after Ctrl+C: %d", code)
	}
}
