package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps/status"
)

func statusJSON(t *testing.T, root string) status.Status {
	t.Helper()
	code, stdout, stderr := runCmd(t, "--root", root, "status", "--json")
	if code != exitOK {
		t.Fatalf("status --json: exit %d: %s", code, stderr)
	}
	var st status.Status
	if err := json.Unmarshal([]byte(stdout), &st); err != nil {
		t.Fatalf("status --json is not JSON: %v\n%s", err, stdout)
	}
	return st
}

func TestStatusFreshRoot(t *testing.T) {
	cleanEnv(t)
	root := t.TempDir()
	code, stdout, stderr := runCmd(t, "--root", root, "status")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"Device ID             not created yet",
		"Cloud URL             none",
		"Remote management     off",
		"Registration          disabled (no cloud URL)",
		"Microservice hosting  disabled",
		"Remote SSH access     not set up (option S sets it up)",
		"  7 Configure Edge Agent                         not run",
		"  8 Enable/Disable microservice hosting feature  not run", // the longest title sets the column
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("status lacks %q:\n%s", want, stdout)
		}
	}
	st := statusJSON(t, root)
	if st.Schema != status.StatusSchema || st.DeviceID != "" || st.Registration.State != status.RegDisabled || len(st.Options) != 8 {
		t.Errorf("json = %+v", st)
	}
	if files := listTree(t, root); len(files) > 0 {
		t.Errorf("status wrote under the root: %v", files)
	}
	// The JSON field names are the documented ones.
	_, raw, _ := runCmd(t, "--root", root, "status", "--json")
	var m map[string]any
	json.Unmarshal([]byte(raw), &m)
	for _, k := range []string{"schema", "root", "checkedAt", "deviceId", "cloudUrl", "remoteManagement", "registration", "options", "microserviceHosting", "remoteAccess"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
}

func TestStatusConfiguredNotRegistered(t *testing.T) {
	cleanEnv(t)
	_, url := startSim(t)
	root := t.TempDir()
	file := writeAnswers(t, "options:\n  - option: 7\n    answers:\n      cloud_url: "+url+"\n      bootstrap_password: {file: /secret}\n      tenant_user: \"\"\n")
	if err := os.WriteFile(filepath.Join(root, "secret"), []byte(simBootstrap+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, stdout, stderr := runCmd(t, "--root", root, "apply", file); code != exitOK {
		t.Fatalf("apply: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ := runCmd(t, "--root", root, "status")
	id, _ := os.ReadFile(filepath.Join(root, edgeprops.DeviceIDFile))
	for _, want := range []string{
		"Device ID             " + strings.TrimSpace(string(id)),
		"Cloud URL             " + url,
		"Remote management     on",
		"Registration          not registered (",
		"  7 Configure Edge Agent                         completed ",
	} {
		if code != exitOK || !strings.Contains(stdout, want) {
			t.Errorf("status lacks %q:\n%s", want, stdout)
		}
	}
	st := statusJSON(t, root)
	if st.Registration.State != status.RegNotRegistered || !st.RemoteManagement || st.CloudURL != url || !st.Options[6].Completed {
		t.Errorf("json = %+v", st)
	}
}

func TestStatusConnectedJSON(t *testing.T) {
	cleanEnv(t)
	_, url := startSim(t)
	root := t.TempDir()
	t.Setenv("C8Y_USER", simUser)
	t.Setenv("C8Y_PASSWORD", simPassword)
	t.Setenv("C8Y_BOOTSTRAP_PASSWORD", simBootstrap)
	file := writeAnswers(t, "options:\n  - option: 7\n    answers: {cloud_url: "+url+"}\n    register: {create: true, accept: true, timeout: 1m}\n")
	if code, stdout, stderr := runCmd(t, "--root", root, "apply", file); code != exitOK {
		t.Fatalf("apply: exit %d\n%s%s", code, stdout, stderr)
	}
	st := statusJSON(t, root)
	if st.Registration.State != status.RegConnected || st.Registration.TenantID != simTenant || st.Registration.ManagedObjectID == "" {
		t.Errorf("registration = %+v", st.Registration)
	}
}
