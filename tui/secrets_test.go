package tui_test

import (
	"bytes"
	"encoding/base64"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/registration"
	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/steps/system"
	"github.com/edge-setup/edge-setup/tenantapi"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// Secrets: a full registration with a tenant user (option 7) and a tenant
// admin password change (option 6), driven through the screens with known
// secret values. No secret may appear on any frame, in the debug trace, in
// a command line, or in any file under the root except the one meant to
// hold it, which must be 0600 and owned by the running user.

const (
	secretTenantUser     = "operator"
	secretTenantPassword = "Op3rator-S3cret!x"
	secretWrongPassword  = "Wr0ng-S3cret!zz"
	secretOldAdmin       = "Old-Adm1n#pass"
	secretNewAdmin       = "New-Adm1n#pass"
)

// syncBuffer is a debug trace writer shared by client goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// recorder keeps every frame the driver renders while waiting.
type recorder struct {
	d      *driver
	frames []string
}

func (r *recorder) snap() { r.frames = append(r.frames, r.d.m.Render()) }

func (r *recorder) key(keys ...string) {
	for _, k := range keys {
		r.d.key(k)
		r.snap()
	}
}

func (r *recorder) typeText(s string) {
	for _, c := range s {
		r.d.typeText(string(c))
		r.snap()
	}
}

func (r *recorder) waitFor(want string) {
	r.d.t.Helper()
	deadline := time.After(hangGuard)
	for !strings.Contains(r.d.screen(), want) {
		select {
		case msg := <-r.d.msgs:
			r.d.send(msg)
			r.snap()
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			r.d.t.Fatalf("screen never showed %q; it shows:\n%s", want, r.d.screen())
		}
	}
	r.snap()
}

// forms of a secret that would give it away.
func secretForms(s string) []string {
	return []string{s, base64.StdEncoding.EncodeToString([]byte(s)), base64.RawStdEncoding.EncodeToString([]byte(s)),
		url.QueryEscape(s), url.PathEscape(s)}
}

func TestSecretsStayOutOfScreensLogsArgsAndOtherFiles(t *testing.T) {
	w := stepstest.New(t)
	w.Sim.AddUser(tenantsim.User{Name: secretTenantUser, Password: secretTenantPassword, Roles: tenantsim.AllRoles()})

	// The Edge's own platform for option 6, and option 2's record.
	edge := tenantsim.New(tenantsim.Options{TenantID: options.EdgeTenantID,
		Users: []tenantsim.User{{Name: "admin", Password: secretOldAdmin, Roles: tenantsim.AllRoles()}}})
	edgeSrv := httptest.NewServer(edge)
	t.Cleanup(edgeSrv.Close)
	w.Env.EdgeURL = edgeSrv.URL
	d := edgeprops.NewConfigDat()
	d.Set(steps.CfgAdminUser, "admin")
	d.SetAdminPassword(secretOldAdmin)
	d.Set(steps.CfgDomain, "edge.example.com")
	if err := w.Env.Props.SaveConfigDat(d); err != nil {
		t.Fatal(err)
	}
	if err := system.RecordCompletion(w.Env, 2); err != nil {
		t.Fatal(err)
	}

	// Every client writes its redacted trace here, as --debug does.
	trace := &syncBuffer{}
	if err := os.MkdirAll(filepath.Join(w.Env.Root, "var/log"), 0o755); err != nil {
		t.Fatal(err)
	}
	debugFile, err := os.OpenFile(filepath.Join(w.Env.Root, "var/log/edge-setup-debug.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { debugFile.Close() })
	var traceMu sync.Mutex
	both := writerFunc(func(p []byte) (int, error) {
		traceMu.Lock()
		defer traceMu.Unlock()
		_, _ = debugFile.Write(p)
		return trace.Write(p)
	})
	w.Env.NewClient = func(baseURL string) (*tenantapi.Client, error) {
		return tenantapi.New(tenantapi.Options{BaseURL: baseURL, UserAgent: "edge-setup/test", Timeout: 5 * time.Second, Debug: both})
	}

	r := &recorder{d: newDriver(t, w.Env, 100, 30)}
	r.snap()

	// Option 7 with a tenant user, a wrong password first.
	r.key("7")
	r.waitFor(system.PromptCloudURL)
	r.typeText(w.URL)
	r.key("enter")
	r.waitFor("Enter tenant user")
	r.typeText(secretTenantUser)
	r.key("enter")
	r.waitFor("Enter password of tenant user")
	r.typeText(secretWrongPassword)
	r.key("enter")
	r.waitFor("401")
	// Correct it: the field keeps what was typed and takes the keys.
	for range len(secretWrongPassword) {
		r.d.send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	r.snap()
	r.typeText(secretTenantPassword)
	r.key("enter")
	r.waitFor("Proceed? [y/N]")
	r.key("y")
	r.waitFor(registration.StatusNotRegistered)
	r.key("c")
	r.waitFor(registration.StatusPending)
	r.key("a")
	r.waitFor("Connected to tenant " + stepstest.TenantID)
	r.key("enter")
	r.waitFor("Choose an option")

	// Option 6.
	r.key("6")
	r.waitFor(system.PromptNewAdminPassword)
	r.typeText(secretNewAdmin)
	r.key("enter")
	r.waitFor(system.PromptReenterPassword)
	r.typeText(secretNewAdmin)
	r.key("enter")
	r.waitFor("Proceed? [y/N]")
	r.key("y")
	r.waitFor("is changed")
	if edge.UserPassword("admin") != secretNewAdmin {
		t.Fatal("the Edge platform password was not changed")
	}

	id, _, err := w.Env.Props.DeviceID()
	if err != nil {
		t.Fatal(err)
	}
	_, devicePassword, ok := w.Sim.DeviceCredentialsIssued(id)
	if !ok || devicePassword == "" {
		t.Fatal("no device credentials were issued")
	}
	secrets := map[string]string{
		"tenant user password":  secretTenantPassword,
		"wrong password typed":  secretWrongPassword,
		"old admin password":    secretOldAdmin,
		"new admin password":    secretNewAdmin,
		"bootstrap password":    stepstest.BootstrapPassword,
		"device password":       devicePassword,
		"tenant admin password": stepstest.AdminPassword,
	}
	find := func(where, text string) {
		t.Helper()
		for name, s := range secrets {
			for _, form := range secretForms(s) {
				if strings.Contains(text, form) {
					t.Errorf("the %s (%q) appears in %s", name, form, where)
				}
			}
		}
	}

	if len(r.frames) < 20 {
		t.Fatalf("only %d frames recorded", len(r.frames))
	}
	for i, f := range r.frames {
		find("screen frame "+strconv.Itoa(i), f)
		find("screen frame "+strconv.Itoa(i)+" (plain)", ansi.Strip(f))
	}
	if !strings.Contains(trace.String(), "deviceCredentials") || !strings.Contains(trace.String(), "/user/currentUser") {
		t.Fatalf("the debug trace is missing requests:\n%s", trace.String())
	}
	find("the debug trace", trace.String())
	find("the process arguments", strings.Join(os.Args, " "))
	for _, c := range w.Env.Runner.Planned() {
		find("the command line "+c.String(), c.String())
	}

	// Files: only the file meant for a secret holds it (config.dat holds the
	// admin password base64 encoded), and such files are 0600 and ours.
	holders := map[string][]string{
		edgeprops.AgentPropsFile:  {stepstest.BootstrapPassword},
		edgeprops.CredentialsFile: {devicePassword},
		edgeprops.ConfigDatFile:   {base64.StdEncoding.EncodeToString([]byte(secretNewAdmin))},
	}
	for rel, want := range holders {
		p := w.Env.Props.Path(rel)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		for _, s := range want {
			if !bytes.Contains(data, []byte(s)) {
				t.Errorf("%s does not hold its secret", rel)
			}
		}
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s holds a secret with mode %v, want 0600", rel, fi.Mode().Perm())
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && (int(st.Uid) != os.Geteuid() || int(st.Gid) != os.Getegid()) {
			t.Errorf("%s is owned by %d:%d, not by the running user %d:%d", rel, st.Uid, st.Gid, os.Geteuid(), os.Getegid())
		}
	}
	files := 0
	err = filepath.WalkDir(w.Env.Root, func(p string, de os.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		files++
		rel, _ := filepath.Rel(w.Env.Root, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		text := string(data)
		for _, s := range holders[rel] {
			text = strings.ReplaceAll(text, s, "<its secret>")
		}
		find(rel, text)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 5 {
		t.Errorf("only %d files under the root: the walk missed something", files)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
