package main

import (
	"bytes"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/registration"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// The apply and status commands run in-process (run) against a tenantsim
// tenant and a sandbox root.

const (
	simTenant    = "t1000001"
	simUser      = "admin"
	simPassword  = "admin-Passw0rd"
	simBootstrap = "bootstrap-secret-42"
)

func startSim(t *testing.T) (*tenantsim.Sim, string) {
	t.Helper()
	sim := tenantsim.New(tenantsim.Options{
		TenantID:          simTenant,
		BootstrapPassword: simBootstrap,
		Users:             []tenantsim.User{{Name: simUser, Password: simPassword, Roles: tenantsim.AllRoles()}},
	})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return sim, srv.URL
}

// cleanEnv keeps the caller's environment out of the registration.
func cleanEnv(t *testing.T) {
	for _, k := range []string{"C8Y_USER", "C8Y_PASSWORD", "C8Y_TENANT", "C8Y_BOOTSTRAP_PASSWORD", "C8Y_BOOTSTRAP_USER", "C8Y_BOOTSTRAP_TENANT", "SSH_CONNECTION", "SSH_TTY"} {
		t.Setenv(k, "")
	}
}

func writeAnswers(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "answers.yaml")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func listTree(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	filepath.Walk(root, func(p string, _ os.FileInfo, err error) error {
		if err == nil && p != root {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func TestApplyInvalidFileExit4AndNothingWritten(t *testing.T) {
	cleanEnv(t)
	root := t.TempDir()
	file := writeAnswers(t, `options:
  - option: 7
    answers:
      cloud_url: https://acme.example.com/apps
      colour: blue
  - option: 7
    answers:
      cloud_url: https://acme.example.com
      tenant_user: admin
      tenant_password: {env: C8Y_PASSWORD}
  - option: 12
`)
	code, stdout, stderr := runCmd(t, "--root", root, "apply", file)
	if code != exitInvalidFile {
		t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, exitInvalidFile, stdout, stderr)
	}
	for _, want := range []string{"has 5 problems; nothing was changed", "line 6: option 7 needs bootstrap_password", "line 4: cloud_url: the URL must not contain a path", "line 5: option 7 has no answer \"colour\"", "line 10: tenant_password: the environment variable C8Y_PASSWORD is not set", "line 11: unknown option \"12\""} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if files := listTree(t, root); len(files) > 0 {
		t.Errorf("an invalid file changed the root: %v", files)
	}
	// A syntax error names its line too.
	bad := writeAnswers(t, "options:\n  - option: 7\n    answers: {cloud_url: x\n")
	code, _, stderr = runCmd(t, "--root", root, "apply", bad)
	if code != exitInvalidFile || !strings.Contains(stderr, "line ") || !strings.Contains(stderr, "YAML syntax error") {
		t.Errorf("exit %d, stderr %s", code, stderr)
	}
	if files := listTree(t, root); len(files) > 0 {
		t.Errorf("an invalid file changed the root: %v", files)
	}
}

func TestApplyUsageAndLock(t *testing.T) {
	cleanEnv(t)
	root := t.TempDir()
	if code, _, _ := runCmd(t, "--root", root, "apply"); code != exitUsage {
		t.Errorf("no file: exit %d, want %d", code, exitUsage)
	}
	file := writeAnswers(t, "options:\n  - option: 7\n    answers: {cloud_url: \"\"}\n")
	unlock, err := edgeprops.New(root).Lock()
	if err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCmd(t, "--root", root, "apply", file)
	unlock()
	if code != exitLocked {
		t.Errorf("locked: exit %d, want %d (%s)", code, exitLocked, stderr)
	}
	code, stdout, stderr := runCmd(t, "--root", root, "apply", "--check", file)
	if code != exitOK || !strings.Contains(stdout, "7 - Configure Edge Agent") {
		t.Errorf("--check: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(root, edgeprops.AgentPropsFile)); err == nil {
		t.Error("--check changed the agent configuration")
	}
	// Flags after the file, as documented ("accepted before or after").
	code, stdout, stderr = runCmd(t, "apply", file, "--check", "--root", root)
	if code != exitOK || !strings.Contains(stdout, "it would run") {
		t.Errorf("FILE --check: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(root, edgeprops.AgentPropsFile)); err == nil {
		t.Error("FILE --check changed the agent configuration")
	}
	if code, _, _ := runCmd(t, "--root", root, "apply", file, "other.yaml"); code != exitUsage {
		t.Errorf("two files: exit %d, want %d", code, exitUsage)
	}
}

func TestApplyOption7WithRegistration(t *testing.T) {
	cleanEnv(t)
	sim, url := startSim(t)
	root := t.TempDir()
	t.Setenv("C8Y_USER", simUser)
	t.Setenv("C8Y_PASSWORD", simPassword)
	t.Setenv("EDGE_BOOT", simBootstrap)
	file := writeAnswers(t, `version: 1
options:
  - option: 7
    answers:
      cloud_url: `+url+`
      bootstrap_password: {env: EDGE_BOOT}
    register: {wait: true, timeout: 1m, create: true, accept: true}
`)
	code, stdout, stderr := runCmd(t, "--root", root, "apply", "--verify", file)
	if code != exitOK {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	for _, want := range []string{
		"7 - Configure Edge Agent",
		"  [ok]      Write /usr/edge/properties/edge-agent/edge-agent.properties - c8y.url=" + url,
		"  [planned] would run: systemctl restart edge-agent",
		"  [ok]      Create the registration request",
		"  [ok]      Accept the registration request",
		"  [ok]      Register with the tenant - connected: tenant " + simTenant,
		"Done: every option",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	id, err := os.ReadFile(filepath.Join(root, edgeprops.DeviceIDFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := sim.ManagedObjectByExternalID(registration.ExternalIDType, strings.TrimSpace(string(id))); !ok {
		t.Error("the device is not in the tenant's inventory")
	}
	log, err := os.ReadFile(filepath.Join(root, steps.ActionLogFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{simBootstrap, simPassword} {
		if strings.Contains(string(log), secret) || strings.Contains(stdout+stderr, secret) {
			t.Errorf("secret %q in the log or output", secret)
		}
	}
	if !strings.Contains(string(log), "outcome=Connected") || !strings.Contains(string(log), `step="apply `) {
		t.Errorf("log:\n%s", log)
	}

	// status now reports the connection.
	code, stdout, _ = runCmd(t, "--root", root, "status")
	if code != exitOK || !strings.Contains(stdout, "connected: tenant "+simTenant+", managed object ") {
		t.Errorf("status exit %d:\n%s", code, stdout)
	}
}

func TestApplyRegistrationTimeoutExit5(t *testing.T) {
	cleanEnv(t)
	_, url := startSim(t)
	root := t.TempDir()
	t.Setenv("EDGE_BOOT", simBootstrap)
	file := writeAnswers(t, `options:
  - option: 7
    answers:
      cloud_url: `+url+`
      bootstrap_password: {env: EDGE_BOOT}
      tenant_user: ""
    register: {timeout: 1s}
`)
	code, stdout, stderr := runCmd(t, "--root", root, "apply", file)
	if code != exitTimeout {
		t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, exitTimeout, stdout, stderr)
	}
	if !strings.Contains(stdout, "[FAILED]  Register with the tenant: the Edge was not connected within the registration timeout (1s)") {
		t.Errorf("stdout:\n%s", stdout)
	}
	if !strings.Contains(stderr, "the options before it ran") && !strings.Contains(stderr, "option 7 (Configure Edge Agent) failed") {
		t.Errorf("stderr: %s", stderr)
	}
}

func TestApplyStepFailureExit1(t *testing.T) {
	cleanEnv(t)
	root := t.TempDir()
	// The device ID path is a directory: option 7 fails when it runs.
	if err := os.MkdirAll(filepath.Join(root, edgeprops.DeviceIDFile), 0o755); err != nil {
		t.Fatal(err)
	}
	file := writeAnswers(t, "options:\n  - option: 7\n    answers: {cloud_url: \"\"}\n  - option: 8\n    hosting: disabled\n")
	code, stdout, stderr := runCmd(t, "--root", root, "apply", file)
	if code != exitFailed {
		t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, exitFailed, stdout, stderr)
	}
	if !strings.Contains(stdout, "[FAILED]  Read the Edge device ID") || !strings.Contains(stdout, "x Stopped: option 7 (Configure Edge Agent) failed") {
		t.Errorf("stdout:\n%s", stdout)
	}
	if strings.Contains(stdout, "8 - ") {
		t.Errorf("option 8 ran after option 7 failed:\n%s", stdout)
	}
}
