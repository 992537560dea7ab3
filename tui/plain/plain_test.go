package plain_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/tui/plain"
)

var update = flag.Bool("update", false, "rewrite golden files")

// transcript runs the plain front end on a fresh test world with input and
// returns what it printed, with what changes between runs (ports, device
// IDs, clock times) replaced by placeholders.
func transcript(t *testing.T, input func(w *stepstest.World) string) string {
	t.Helper()
	w := stepstest.New(t)
	var out bytes.Buffer
	err := plain.New(plain.Options{Env: w.Env, In: strings.NewReader(input(w)), Out: &out}).Run(context.Background())
	if err != nil && !errors.Is(err, plain.ErrInputEnded) {
		t.Fatalf("plain mode: %v\n%s", err, out.String())
	}
	s := strings.ReplaceAll(out.String(), w.URL, "http://TENANT")
	s = strings.ReplaceAll(s, w.Env.Root, "ROOT")
	s = regexp.MustCompile(`edge-agent-[0-9a-f-]{36}`).ReplaceAllString(s, "edge-agent-UUID")
	s = regexp.MustCompile(`\b\d\d:\d\d(:\d\d)?\b`).ReplaceAllString(s, "HH:MM")
	return regexp.MustCompile(`127\.0\.0\.1:\d+`).ReplaceAllString(s, "127.0.0.1:PORT")
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./tui/plain -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// TestEveryOptionTranscript: each option as a serial console sees it, up to
// its confirmation (declined with Enter, the default No) or its refusal.
func TestEveryOptionTranscript(t *testing.T) {
	inputs := map[int]string{
		1: "c\n",        // console input; the transcript ends at the first value
		2: "c\nadmin\n", // console input, admin user; ends at the password
		3: "\n",         // refused: needs option 2
		4: "\n",         // refused: needs option 2
		5: "\n",         // reads the disks
		6: "\n",         // refused: needs option 2
		7: "\n\n\n",     // blank URL: disable remote management; Enter declines
		8: "\n",         // hosting: the prerequisites
	}
	for n := 1; n <= 8; n++ {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			got := transcript(t, func(*stepstest.World) string { return fmt.Sprintf("%d\n%s", n, inputs[n]) })
			golden(t, fmt.Sprintf("option%d", n), got)
		})
	}
}

// TestOption7TranscriptFailedCheckThenCorrected: a refused connection, the
// corrected URL typed straight away (no y/n in between), the ✓ of the check,
// then the plan, declined.
func TestOption7TranscriptFailedCheckThenCorrected(t *testing.T) {
	got := transcript(t, func(w *stepstest.World) string {
		return "7\nhttp://127.0.0.1:1\n" + w.URL + "\n\n\n9\n"
	})
	for _, want := range []string{"refused the connection", "or type keep to use", "ok http://TENANT answers as a Cumulocity tenant", "Cancelled: nothing was changed."} {
		if !strings.Contains(got, want) {
			t.Errorf("transcript lacks %q", want)
		}
	}
	golden(t, "option7-corrected", got)
}

// TestOption7RegistrationTranscript: the whole registration from a serial
// console with a tenant user: plan, sub-steps, each status once, the
// credentials file and the agent restart.
func TestOption7RegistrationTranscript(t *testing.T) {
	got := transcript(t, func(w *stepstest.World) string {
		return "7\n" + w.URL + "\n" + stepstest.AdminUser + "\n" + stepstest.AdminPassword + "\ny\n\n\n9\n"
	})
	got = regexp.MustCompile(`managed object \d+`).ReplaceAllString(got, "managed object ID")
	for _, want := range []string{"registration request created", "acceptance sent from this console", "Connected to tenant",
		"Device credentials stored in /usr/edge/properties/edge-agent/credentials.properties (0600)"} {
		if !strings.Contains(got, want) {
			t.Errorf("transcript lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, stepstest.AdminPassword) {
		t.Error("the tenant password is in the transcript")
	}
	golden(t, "option7-registration", got)
}

// back at a prompt asks the previous question again, with what was typed
// as its default.
func TestBackAsksThePreviousAnswerAgain(t *testing.T) {
	out := transcript(t, func(w *stepstest.World) string {
		return "7\n" + w.URL + "\nadmn\nback\n\nback\nadmin\n"
	})
	if !strings.Contains(out, "[admn]") || strings.Count(out, "* Enter cloud URL") != 1 {
		t.Fatalf("back did not return to the tenant user with its value:\n%s", out)
	}
	if !strings.Contains(out, "Enter password of tenant user admin:") {
		t.Fatalf("the corrected user was not taken:\n%s", out)
	}
}

// Input that ends while an option asks is a failure a script can see;
// input that ends at the menu is not.
func TestInputEndingInAnOptionIsAnError(t *testing.T) {
	for input, inOption := range map[string]bool{"2\nC\n": true, "": false, "8\n": false} {
		w := stepstest.New(t)
		var out bytes.Buffer
		err := plain.New(plain.Options{Env: w.Env, In: strings.NewReader(input), Out: &out}).Run(context.Background())
		if !errors.Is(err, plain.ErrInputEnded) || errors.Is(err, plain.ErrInputEndedInOption) != inOption {
			t.Errorf("input %q: err %v", input, err)
		}
	}
}
