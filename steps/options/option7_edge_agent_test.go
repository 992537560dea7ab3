package options_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/steps/system"
)

func TestOption7SavesURLAndPlansAgentRestart(t *testing.T) {
	w := stepstest.New(t)
	tr, err := stepstest.Drive(context.Background(), w.Env, options.EdgeAgent{}, w.URL+"/", "")
	if err != nil {
		t.Fatal(err)
	}
	if tr.Prompts[0] != system.PromptCloudURL {
		t.Errorf("first prompt = %q", tr.Prompts[0])
	}
	cfg, err := w.Env.Props.LoadAgentConfig()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.URL != w.URL || !cfg.RemoteManagement {
		t.Errorf("config = %+v, want url %s and remote management on", cfg, w.URL)
	}
	planned := w.Env.Runner.Planned()
	if len(planned) != 1 || planned[0].String() != "systemctl restart edge-agent" {
		t.Errorf("planned = %v", planned)
	}
	log, err := os.ReadFile(w.Env.Props.Path(steps.PlannedCommandsFile))
	if err != nil || !strings.Contains(string(log), "systemctl restart edge-agent") {
		t.Errorf("planned-commands.log = %q, %v", log, err)
	}
	if _, ok, _ := system.Completed(w.Env, 7); !ok {
		t.Error("option 7 completion not recorded")
	}
	st, err := os.Stat(w.Env.Props.Path(edgeprops.AgentPropsFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("agent properties hold the bootstrap password: want mode 0600, got %v (%v)", st.Mode().Perm(), err)
	}
}

func TestOption7RefusesBadURLsWithReasons(t *testing.T) {
	w := stepstest.New(t)
	bad := []string{"ftp://x.example.com", "http://acme.cumulocity.com", "https://u:p@acme.cumulocity.com",
		"https://acme.cumulocity.com/apps", "https://acme.cumulocity.com/?a=b", "https://acme.cumulocity.com/#x", "acme cumulocity.com"}
	tr, err := stepstest.Drive(context.Background(), w.Env, options.EdgeAgent{}, append(bad, "", "")...)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Errors) != len(bad) {
		t.Fatalf("got %d errors for %d bad URLs: %q", len(tr.Errors), len(bad), tr.Errors)
	}
}

func TestOption7VerifiesTheURLIsATenant(t *testing.T) {
	w := stepstest.New(t)
	// A loopback port nobody listens on, then the real tenant.
	tr, err := stepstest.Drive(context.Background(), w.Env, options.EdgeAgent{}, "http://127.0.0.1:1", w.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Errors) != 1 || !strings.Contains(strings.ToLower(tr.Errors[0]), "refused") {
		t.Errorf("errors = %q, want one about the refused connection", tr.Errors)
	}
}

func TestOption7BlankDisablesRemoteManagementAndKeepsDeviceID(t *testing.T) {
	w := stepstest.New(t)
	ctx := context.Background()
	if _, err := stepstest.Drive(ctx, w.Env, options.EdgeAgent{}, w.URL, ""); err != nil {
		t.Fatal(err)
	}
	id1, _, _ := w.Env.Props.DeviceID()
	tr, err := stepstest.Drive(ctx, w.Env, options.EdgeAgent{}, "")
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := w.Env.Props.LoadAgentConfig()
	if cfg.URL != "" || cfg.RemoteManagement {
		t.Errorf("config after blank = %+v", cfg)
	}
	id2, _, _ := w.Env.Props.DeviceID()
	if id1 != id2 || !strings.HasPrefix(id1, "edge-agent-") {
		t.Errorf("device id changed or malformed: %q -> %q", id1, id2)
	}
	var said bool
	for _, e := range tr.Events {
		said = said || (e.Kind == steps.Info && strings.Contains(e.Detail, "disabled"))
	}
	if !said {
		t.Errorf("no event says remote management was disabled: %+v", tr.Events)
	}
}

func TestOption7NewHostDiscardsOldCredentials(t *testing.T) {
	w := stepstest.New(t)
	ctx := context.Background()
	if _, err := stepstest.Drive(ctx, w.Env, options.EdgeAgent{}, w.URL, ""); err != nil {
		t.Fatal(err)
	}
	if err := w.Env.Props.SaveCredentials(edgeprops.Credentials{Tenant: "t1", Username: "device_x", Password: "pw", URL: w.URL}); err != nil {
		t.Fatal(err)
	}
	other := stepstest.New(t) // a second tenant on another port
	tr, err := stepstest.Drive(ctx, w.Env, options.EdgeAgent{}, other.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(tr.Confirm, "\n"), "Discard the device credentials") {
		t.Errorf("confirmation does not say the credentials go: %q", tr.Confirm)
	}
	if _, ok, _ := w.Env.Props.LoadCredentials(); ok {
		t.Error("credentials of the old tenant are still there")
	}
}

func TestOption7AsksBootstrapPasswordWhenNoneConfiguredAndNeverShowsIt(t *testing.T) {
	w := stepstest.New(t)
	cfg, _ := w.Env.Props.LoadAgentConfig()
	cfg.BootstrapPassword = ""
	if err := w.Env.Props.SaveAgentConfig(cfg); err != nil {
		t.Fatal(err)
	}
	tr, err := stepstest.Drive(context.Background(), w.Env, options.EdgeAgent{}, w.URL, "", stepstest.BootstrapPassword, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Prompts) < 2 || tr.Prompts[1] != options.PromptBootstrapPassword {
		t.Fatalf("prompts = %q", tr.Prompts)
	}
	cfg, _ = w.Env.Props.LoadAgentConfig()
	if cfg.BootstrapPassword != stepstest.BootstrapPassword {
		t.Error("bootstrap password not stored")
	}
	for _, e := range tr.Events {
		if strings.Contains(e.Name+e.Detail, stepstest.BootstrapPassword) {
			t.Errorf("event shows the secret: %+v", e)
		}
	}
	for _, l := range tr.Confirm {
		if strings.Contains(l, stepstest.BootstrapPassword) {
			t.Errorf("confirmation shows the secret: %q", l)
		}
	}
}

func TestOption7TenantUserIsVerified(t *testing.T) {
	w := stepstest.New(t)
	tr, err := stepstest.Drive(context.Background(), w.Env, options.EdgeAgent{},
		w.URL, stepstest.AdminUser, "wrong-password", stepstest.AdminPassword)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Errors) != 1 || !strings.Contains(tr.Errors[0], "401") {
		t.Errorf("errors = %q, want one 401 explanation", tr.Errors)
	}
	reg, err := options.EdgeAgent{}.NewRegistration(w.Env, tr.Answers)
	if err != nil || reg == nil || !reg.CanManage() {
		t.Fatalf("registration = %+v, %v; want one with tenant user", reg, err)
	}
}

func TestOption7TenantUserWithoutRegistrationRoleIsRefused(t *testing.T) {
	w := stepstest.New(t)
	tr, _ := stepstest.Drive(context.Background(), w.Env, options.EdgeAgent{},
		w.URL, stepstest.ReaderUser, stepstest.ReaderPassword, "")
	if len(tr.Errors) == 0 || !strings.Contains(tr.Errors[0], steps.RegistrationRole) {
		t.Errorf("errors = %q, want one naming %s", tr.Errors, steps.RegistrationRole)
	}
}
