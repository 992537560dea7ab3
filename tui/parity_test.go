package tui_test

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim/simnet"
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

var networkFiles = func(t *testing.T, w *stepstest.World) {
	writeUnder(t, w, "/sys/class/net/ens160/.keep", "")
	writeUnder(t, w, "/etc/netplan/50-cloud-init.yaml", "network:\n  ethernets:\n    ens160:\n      dhcp4: true\n")
	writeUnder(t, w, "/root/net.txt", "network.ip=192.168.1.10\nnetmask=255.255.255.0\ngateway.ip=192.168.1.1\ndns.server.ip=192.168.1.1\ndocker.bridge.cidr=172.18.0.1/16\n")
}

// edgeCert is one certificate for edge.example.com shared by the three
// runs of a case (the installed files must be the same).
var edgeCert = sync.OnceValues(func() (cert, key string) {
	ca := simnet.NewCA(nopT{}, pkix.Name{CommonName: "parity CA"})
	leaf := ca.Leaf(nopT{}, []string{"edge.example.com"}, nil, time.Now().AddDate(0, 0, -1), time.Now().AddDate(1, 0, 0))
	der, err := x509.MarshalPKCS8PrivateKey(leaf.PrivateKey)
	if err != nil {
		panic(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leaf.Certificate[0]})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
})

// nopT lets the shared certificate be made once, outside any one test.
type nopT struct{ testing.TB }

func (nopT) Helper()               {}
func (nopT) Fatal(args ...any)     { panic(fmt.Sprint(args...)) }
func (nopT) Fatalf(string, ...any) { panic("certificate") }

var certFiles = func(t *testing.T, w *stepstest.World) {
	cert, key := edgeCert()
	writeUnder(t, w, "/tmp/edge.crt", cert)
	writeUnder(t, w, "/tmp/edge.key", key)
	writeUnder(t, w, "/tmp/edge.licence", "LICENCE for edge.example.com\n")
}

const parityPassword = "Edge-Admin-1"

// postInstallFile is option 2's parameter file with every key.
func postInstallFile(w *stepstest.World) string {
	return "tenant.admin.username=admin\ntenant.admin.password=" + parityPassword + "\ntenant.domain.name=edge.example.com\n" +
		"ssl.certificate=/tmp/edge.crt\nssl.certificate.key=/tmp/edge.key\nc8y.license=/tmp/edge.licence\nc8y.url=" + w.URL + "\n"
}

// postInstalled is an Edge after option 2 (by apply, the same in every
// run), with an update file for option 3.
var postInstalled = func(t *testing.T, w *stepstest.World) {
	certFiles(t, w)
	writeUnder(t, w, "/root/post.txt", postInstallFile(w))
	applyAnswers(t, w, "options:\n  - option: 2\n    answers: {input.mode: F, input.file: /root/post.txt}\n")
	writeUnder(t, w, "/root/update.txt", "ssl.certificate=/tmp/edge.crt\nssl.certificate.key=/tmp/edge.key\nc8y.license=/tmp/edge.licence\n")
}

var parityCases = []parityCase{
	{
		name: "2 from a parameter file", option: "2", done: "Done.",
		setup: func(t *testing.T, w *stepstest.World) {
			certFiles(t, w)
			writeUnder(t, w, "/root/post.txt", postInstallFile(w))
		},
		lines: func(*stepstest.World) []string { return []string{"F", "/root/post.txt"} },
		answers: func(*stepstest.World) string {
			return "options:\n  - option: 2\n    answers: {input.mode: F, input.file: /root/post.txt}\n"
		},
	},
	{
		name: "3 from a parameter file", setup: postInstalled, option: "3", done: "Done.",
		lines: func(*stepstest.World) []string { return []string{"F", "/root/update.txt"} },
		answers: func(*stepstest.World) string {
			return "options:\n  - option: 3\n    answers: {input.mode: F, input.file: /root/update.txt}\n"
		},
	},
	{
		name: "2 from the console", setup: certFiles, option: "2", done: "Done.",
		lines: func(w *stepstest.World) []string {
			return []string{"C", "admin", parityPassword, parityPassword, "edge.example.com", "/tmp/edge.crt", "/tmp/edge.key", "/tmp/edge.licence", "\x15" + w.URL}
		},
		answers: func(w *stepstest.World) string {
			return "options:\n  - option: 2\n    answers: {input.mode: C, tenant.admin.username: admin, tenant.admin.password: " + parityPassword +
				", tenant.admin.password.again: " + parityPassword + ", tenant.domain.name: edge.example.com, ssl.certificate: /tmp/edge.crt, ssl.certificate.key: /tmp/edge.key, c8y.license: /tmp/edge.licence, c8y.url: \"" + w.URL + "\"}\n"
		},
	},
	{
		name: "1 from a parameter file", setup: networkFiles, option: "1", done: "Done.",
		lines: func(*stepstest.World) []string { return []string{"F", "/root/net.txt"} },
		answers: func(*stepstest.World) string {
			return "options:\n  - option: 1\n    answers: {input.mode: F, input.file: /root/net.txt}\n"
		},
	},
	{
		name: "1 from the console", setup: networkFiles, option: "1", done: "Done.",
		lines: func(*stepstest.World) []string {
			return []string{"C", "192.168.1.10", "255.255.255.0", "192.168.1.1", "192.168.1.1", "172.18.0.1/16"}
		},
		answers: func(*stepstest.World) string {
			return "options:\n  - option: 1\n    answers: {input.mode: C, network.ip: 192.168.1.10, netmask: 255.255.255.0, gateway.ip: 192.168.1.1, dns.server.ip: 192.168.1.1, docker.bridge.cidr: 172.18.0.1/16}\n"
		},
	},
	{
		name: "7 disabling remote management", setup: func(*testing.T, *stepstest.World) {}, option: "7", done: "Done.",
		lines:   func(*stepstest.World) []string { return []string{"\x15"} }, // Ctrl+U: a blank URL
		answers: func(*stepstest.World) string { return "options:\n  - option: 7\n    answers: {cloud_url: \"\"}\n" },
	},
	{
		name: "7 with a tenant URL", setup: func(*testing.T, *stepstest.World) {}, option: "7", done: steps.StatusNotAccepted,
		lines: func(w *stepstest.World) []string { return []string{"\x15" + w.URL, ""} },
		answers: func(w *stepstest.World) string {
			return "options:\n  - option: 7\n    answers: {cloud_url: \"" + w.URL + "\", tenant_user: \"\"}\n"
		},
	},
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
	tenant := c.tenant
	if tenant == nil {
		tenant = func(*tenantsim.Options) {}
	}
	w := stepstest.NewWith(t, tenant)
	c.setup(t, w)
	c.drive(t, w, via)
	return collect(t, w)
}

// drive runs the case's answers once through the front end via.
func (c parityCase) drive(t *testing.T, w *stepstest.World, via string) []steps.OptionResult {
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
func applyAnswers(t *testing.T, w *stepstest.World, answers string) []steps.OptionResult {
	t.Helper()
	ctx := context.Background()
	plan, err := steps.LoadAnswers(ctx, w.Env, "a.yaml", []byte(answers), steps.CheckOptions{Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	var results []steps.OptionResult
	if err := steps.Apply(ctx, w.Env, plan, steps.ApplyOptions{Result: func(r steps.OptionResult) { results = append(results, r) }}); err != nil {
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
	err := filepath.WalkDir(w.Env.Root, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(w.Env.Root, p)
		// The action log and the lock differ by nature (times, front end).
		// So does the record of a registration being waited for: the TUI
		// and plain mode wait after option 7, apply only with register:.
		if strings.HasPrefix(rel, "var/log/") || strings.HasPrefix(rel, "run/") || rel == "var/lib/edge-setup/registration.json" {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(rel, "password") { // salted hashes: random by design
			data = []byte("(present)")
		}
		info, _ := e.Info()
		o.files[rel] = info.Mode().String() + "\n" + norm(string(data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
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
