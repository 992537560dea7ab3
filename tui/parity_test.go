package tui_test

import (
	"context"
	"errors"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	stepanswers "github.com/edge-setup/edge-setup/steps/answers"
	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
	"github.com/edge-setup/edge-setup/tui/plain"
)

// parityCase is one option answered the same way in the three front ends.
type parityCase struct {
	name    string
	setup   func(t *testing.T, w *stepstest.World)
	option  string                            // the menu key
	lines   func(w *stepstest.World) []string // what is typed, one answer a line
	answers func(w *stepstest.World) string   // the same answers as an answers file
	done    string                            // what the TUI shows when the option is over
	tenant  func(*tenantsim.Options)          // changes the simulated tenant (nil: stepstest's)
	// What follows the confirmation, where the front ends ask it their own
	// way (the registration: keys c and a in the TUI, questions in plain
	// mode, register: in the answers file).
	tuiAfter   func(d *driver)
	plainAfter []string
	// Keys that open the option's form after its menu key (B's list: n),
	// a line each in plain mode; the TUI waits for openWait first (a key
	// typed before B's list is loaded is lost: reported on issue 16).
	openKeys []string
	openWait string
	formWait string // what the TUI shows once the form is open (keys before it are lost too)
	// plainDone is how plain mode says what the TUI shows as done, where
	// the two say it in their own words (B's link: "✓ Active" on a timeline).
	plainDone string
	// clearFields clears every field before typing (a rerun: the TUI fills
	// each field with the answer in place, plain mode takes a typed line).
	clearFields bool
}

// outcome is what an option left behind: the files under the root and
// the kinds of requests the tenant saw, with what differs between runs
// (roots, ports, device IDs, times) replaced.
type outcome struct {
	files    map[string]string
	requests []string
}

// TestParityOfTheFrontEnds runs each option with the same answers through
// the TUI (keys into the model, all typed at once), plain mode (stdin) and
// apply (an answers file), each on a fresh root against its own tenant,
// and asserts the same files and the same requests.
func TestParityOfTheFrontEnds(t *testing.T) {
	for _, c := range parityCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel() // each run has its own root, tenant and servers
			tuiOut := c.run(t, "tui")
			for _, via := range []string{"plain", "apply"} {
				got := c.run(t, via)
				compareOutcomes(t, via, tuiOut, got)
			}
		})
	}
}

func (c parityCase) run(t *testing.T, via string) outcome {
	t.Helper()
	w := c.world(t)
	c.drive(t, w, via)
	return collect(t, w)
}

// world is a fresh root and tenant set up for the case.
func (c parityCase) world(t *testing.T) *stepstest.World {
	t.Helper()
	tenant := c.tenant
	if tenant == nil {
		tenant = func(*tenantsim.Options) {}
	}
	w := stepstest.NewWith(t, tenant)
	c.setup(t, w)
	return w
}

// drive runs the case's answers once through the front end via.
func (c parityCase) drive(t *testing.T, w *stepstest.World, via string) []stepanswers.OptionResult {
	t.Helper()
	switch via {
	case "tui":
		d := newDriver(t, w.Env, 100, 30)
		d.send(keyMsg(c.option))
		if c.openWait != "" {
			d.waitFor(c.openWait)
		}
		for _, k := range c.openKeys {
			d.send(keyMsg(k))
		}
		if c.formWait != "" {
			d.waitFor(c.formWait)
		}
		for _, l := range c.lines(w) {
			if strings.HasPrefix(l, "\x15") || c.clearFields {
				d.send(keyMsg("ctrl+u"))
			}
			d.typeText(strings.TrimPrefix(l, "\x15"))
			d.send(keyMsg("enter"))
		}
		d.waitFor("This will:")
		d.key("y")
		if c.tuiAfter != nil {
			c.tuiAfter(d)
		}
		d.waitFor(c.done)
	case "plain":
		var in strings.Builder
		in.WriteString(c.option + "\n")
		for _, k := range c.openKeys {
			in.WriteString(k + "\n")
		}
		for _, l := range c.lines(w) {
			in.WriteString(strings.ReplaceAll(l, "\x15", "") + "\n")
		}
		in.WriteString("y\n")
		for _, l := range c.plainAfter {
			in.WriteString(l + "\n")
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var out syncBuffer
		done := make(chan error, 1)
		go func() {
			done <- plain.New(plain.Options{Env: w.Env, In: strings.NewReader(in.String()), Out: &out}).Run(ctx)
		}()
		want := c.done
		if c.plainDone != "" {
			want = c.plainDone
		}
		if want != "Done." { // the registration waits until stopped
			waitOutput(t, &out, want, done)
			cancel()
		}
		if err := <-done; err != nil && !errors.Is(err, plain.ErrInputEnded) && !errors.Is(err, context.Canceled) {
			t.Fatalf("plain: %v\n%s", err, out.String())
		}
		// The same outcome: the TUI showed c.done (or waitFor failed).
		if !strings.Contains(out.String(), want) {
			t.Errorf("plain mode never printed %q:\n%s", want, out.String())
		}
	case "apply":
		return applyAnswers(t, w, c.answers(w))
	}
	return nil
}

// applyAnswers runs an answers file as `edge-setup apply` does, with the
// network checks the console runs too.
func applyAnswers(t *testing.T, w *stepstest.World, answers string) []stepanswers.OptionResult {
	t.Helper()
	ctx := context.Background()
	plan, err := stepanswers.LoadAnswers(ctx, w.Env, "a.yaml", []byte(answers), stepanswers.CheckOptions{Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	var results []stepanswers.OptionResult
	if err := stepanswers.Apply(ctx, w.Env, plan, stepanswers.ApplyOptions{Result: func(r stepanswers.OptionResult) { results = append(results, r) }}); err != nil {
		t.Fatalf("apply: %v", err)
	}
	return results
}

var (
	uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	timeRE = regexp.MustCompile(`\d{4}-\d\d-\d\dT[0-9:.]+(Z|[+-]\d\d:\d\d)?`)
	// Ephemeral ports (32768-60999 on Linux) of the test servers; a fixed
	// port such as an allow entry's 8443 stays.
	portRE = regexp.MustCompile(`127\.0\.0\.1:\d{5}`)
	// SSH keys made per run: the test sshd's host key, S's key pair.
	sshKeyRE = regexp.MustCompile(`ssh-ed25519 [A-Za-z0-9+/=]+`)
	// B's subscription request is named by a code the Edge's Data Broker
	// draws at random.
	newRequestRE = regexp.MustCompile(`^(/devicecontrol/newDeviceRequests/)[A-Z0-9]+$`)
	// The device password is generated by the tenant when it accepts the
	// device: a new one in every run.
	devicePasswordRE = regexp.MustCompile(`(?m)^c8y\.password=.*$`)
)

func collect(t *testing.T, w *stepstest.World) outcome {
	t.Helper()
	o := outcome{files: map[string]string{}}
	norm := func(s string) string {
		s = strings.ReplaceAll(s, w.Env.Root, "ROOT")
		s = uuidRE.ReplaceAllString(s, "UUID")
		s = timeRE.ReplaceAllString(s, "TIME")
		s = devicePasswordRE.ReplaceAllString(s, "c8y.password=GENERATED")
		s = sshKeyRE.ReplaceAllString(s, "ssh-ed25519 KEY")
		if p := w.Vars["SSH_PORT"]; p != "" { // the test sshd's port, set by the case
			s = strings.ReplaceAll(s, p, "SSHPORT")
		}
		return portRE.ReplaceAllString(s, "127.0.0.1:PORT")
	}
	// The record of a registration being waited for differs by nature: the
	// TUI and plain mode wait after option 7, apply only with register:.
	for rel, content := range snapshot(t, w.Env.Root, "var/lib/edge-setup/registration.json") {
		mode, data, _ := strings.Cut(content, "\n")
		if strings.Contains(rel, "password") { // salted hashes: random by design
			data = "(present)"
		}
		o.files[rel] = mode + "\n" + norm(data)
	}
	seen := map[string]bool{}
	for _, r := range w.Sim.Requests() {
		// The registration's polls depend on how long it waited (apply
		// without register: does not wait at all).
		if strings.HasPrefix(r.Path, "/devicecontrol/deviceCredentials") {
			continue
		}
		// S's proof tunnels through WebSockets that the tenant logs when
		// they close, which can be after the option ended; that the proof
		// worked is the outcome (S ends with "Done." only then).
		if strings.HasPrefix(r.Path, "/service/remoteaccess/client/") || strings.HasPrefix(r.Path, "/service/remoteaccess/device/") {
			continue
		}
		k := r.Method + " " + newRequestRE.ReplaceAllString(uuidRE.ReplaceAllString(r.Path, "UUID"), "${1}ID")
		if !seen[k] {
			seen[k] = true
			o.requests = append(o.requests, k)
		}
	}
	sort.Strings(o.requests)
	return o
}

func compareOutcomes(t *testing.T, via string, want, got outcome) {
	t.Helper()
	for name, content := range want.files {
		if got.files[name] != content {
			t.Errorf("%s: %s differs from the TUI's:\n--- TUI\n%s\n--- %s\n%s", via, name, content, via, got.files[name])
		}
	}
	for name := range got.files {
		if _, ok := want.files[name]; !ok {
			t.Errorf("%s wrote %s, the TUI did not", via, name)
		}
	}
	if strings.Join(want.requests, "\n") != strings.Join(got.requests, "\n") {
		t.Errorf("%s: requests differ:\n--- TUI\n%s\n--- %s\n%s", via, strings.Join(want.requests, "\n"), via, strings.Join(got.requests, "\n"))
	}
}

// waitOutput waits until plain mode printed want (or ended); the deadline
// only guards against a hang.
func waitOutput(t *testing.T, out *syncBuffer, want string, done chan error) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), want) {
		select {
		case err := <-done:
			done <- err
			return
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("plain mode never printed %q:\n%s", want, out.String())
		}
	}
}
