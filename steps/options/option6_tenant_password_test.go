package options

import (
	"encoding/base64"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/steps/system"
	"github.com/edge-setup/edge-setup/tenantapi"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// edgePlatform starts a simulated Edge tenant whose admin has password pw
// and points the environment at it.
func edgePlatform(t *testing.T, te *testEnv, pw string) *tenantsim.Sim {
	t.Helper()
	sim := tenantsim.New(tenantsim.Options{TenantID: EdgeTenantID, Users: []tenantsim.User{{Name: "admin", Password: pw, Roles: tenantsim.AllRoles()}}})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	te.EdgeURL = srv.URL
	te.NewClient = func(u string) (*tenantapi.Client, error) { return tenantapi.New(tenantapi.Options{BaseURL: u}) }
	return sim
}

func configDatPassword(t *testing.T, te *testEnv) string {
	t.Helper()
	d, err := te.Props.LoadConfigDat()
	if err != nil {
		t.Fatal(err)
	}
	pw, err := d.AdminPassword()
	if err != nil {
		t.Fatal(err)
	}
	return pw
}

func TestTenantPasswordChange(t *testing.T) {
	te := newTestEnv(t)
	completePostInstall(t, te)
	sim := edgePlatform(t, te, testPassword)
	if err := (TenantPassword{}).Available(te.Env); err != nil {
		t.Fatal(err)
	}
	a, shown := drive(t, te.Env, TenantPassword{},
		bad(system.PromptNewAdminPassword, "short", "at least 8"),
		bad(system.PromptNewAdminPassword, "tab\tpassword", "a tab"),
		bad(system.PromptNewAdminPassword, testPassword, "this is the current password"),
		ok(system.PromptNewAdminPassword, "Second#pass1"),
		bad(system.PromptReenterPassword, "Second#pass2", "do not match"),
		ok(system.PromptNewAdminPassword, "Second#pass1"),
		ok(system.PromptReenterPassword, "Second#pass1"),
	)
	if shown[0].Text != "* Enter new tenant admin password:" || shown[1].Text != "* Re-enter tenant admin password:" || !shown[0].Secret || !shown[1].Secret {
		t.Fatalf("prompts %q %q", shown[0].Text, shown[1].Text)
	}
	confirm := (TenantPassword{}).Confirm(te.Env, a)
	wantContains(t, confirm[0], "Change the password of edge/admin on the Edge platform ("+te.EdgeURL+")")
	for _, l := range confirm {
		if strings.Contains(l, "Second#pass1") {
			t.Fatal("Confirm shows the password")
		}
	}
	mustRun(t, te.Env, TenantPassword{}, a)
	if sim.UserPassword("admin") != "Second#pass1" {
		t.Fatal("platform password not changed")
	}
	if configDatPassword(t, te) != "Second#pass1" {
		t.Fatal("config.dat not updated")
	}
	if m := te.mode(t, "/opt/c8y/utilities/post-installer/config.dat"); m != 0o600 {
		t.Errorf("config.dat mode %o", m)
	}
	if raw := te.read(t, "/var/lib/edge-setup/password-history.json"); strings.Contains(raw, "Second#pass1") || strings.Contains(raw, testPassword) {
		t.Fatal("history holds a password in clear")
	}

	// The old password is now in the history and refused.
	drive(t, te.Env, TenantPassword{},
		bad(system.PromptNewAdminPassword, testPassword, "none of the last 10 passwords may be reused"),
		bad(system.PromptNewAdminPassword, "Second#pass1", "this is the current password"),
		ok(system.PromptNewAdminPassword, "Third#pass11"),
		ok(system.PromptReenterPassword, "Third#pass11"),
	)
}

func TestTenantPasswordWrongStoredPassword(t *testing.T) {
	te := newTestEnv(t)
	completePostInstall(t, te)
	sim := edgePlatform(t, te, "Changed-elsewhere1")
	before := te.read(t, "/opt/c8y/utilities/post-installer/config.dat")
	a, _ := drive(t, te.Env, TenantPassword{}, ok("", "Second#pass1"), ok("", "Second#pass1"))
	_, err := run(t, te.Env, TenantPassword{}, a)
	if err == nil || !strings.Contains(err.Error(), "config.dat does not hold the current password") || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("err %v", err)
	}
	if te.read(t, "/opt/c8y/utilities/post-installer/config.dat") != before || sim.UserPassword("admin") != "Changed-elsewhere1" {
		t.Fatal("something changed")
	}
}

func TestTenantPasswordRefusedByPlatform(t *testing.T) {
	te := newTestEnv(t)
	completePostInstall(t, te)
	// The platform's own history knows a password our history does not.
	sim := edgePlatform(t, te, "Platform-only1")
	c, _ := te.NewClient(te.EdgeURL)
	cr := tenantapi.Credentials{Tenant: EdgeTenantID, User: "admin", Password: "Platform-only1"}
	if err := c.ChangeOwnPassword(t.Context(), cr, "Platform-only1", testPassword); err != nil {
		t.Fatal(err)
	}
	a, _ := drive(t, te.Env, TenantPassword{}, ok("", "Platform-only1"), ok("", "Platform-only1"))
	_, err := run(t, te.Env, TenantPassword{}, a)
	if err == nil || !strings.Contains(err.Error(), "the Edge platform refused the new password") {
		t.Fatalf("err %v", err)
	}
	if configDatPassword(t, te) != testPassword || sim.UserPassword("admin") != testPassword {
		t.Fatal("something changed")
	}
}

func TestTenantPasswordPlatformDown(t *testing.T) {
	te := newTestEnv(t)
	completePostInstall(t, te)
	edgePlatform(t, te, testPassword)
	srv := httptest.NewServer(nil)
	te.EdgeURL = srv.URL
	srv.Close() // nothing listens there any more
	a, _ := drive(t, te.Env, TenantPassword{}, ok("", "Second#pass1"), ok("", "Second#pass1"))
	_, err := run(t, te.Env, TenantPassword{}, a)
	if err == nil || !strings.Contains(err.Error(), "check that the platform is up") || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("err %v", err)
	}
	if configDatPassword(t, te) != testPassword {
		t.Fatal("config.dat changed")
	}
	wantContains(t, te.read(t, "/opt/c8y/utilities/post-installer/config.dat"), base64.StdEncoding.EncodeToString([]byte(testPassword)))
}
