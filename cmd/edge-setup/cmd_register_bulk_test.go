package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/steps/registration"
	"github.com/edge-setup/edge-setup/tenantapi"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// register --bulk: one request creates the registration requests of a CSV,
// each device is reported (created, already there, failed with the
// platform's reason), and --accept accepts those that are pending.
func TestRegisterBulk(t *testing.T) {
	cleanEnv(t)
	sim, url := startSim(t)
	if err := sim.CreateRequest("edge-old"); err != nil {
		t.Fatal(err)
	}
	csv := filepath.Join(t.TempDir(), "fleet.csv")
	if err := os.WriteFile(csv, []byte("ID;PATH\nedge-a;Fleet\nedge-b;Fleet\nedge-old;Fleet\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("C8Y_USER", simUser)
	t.Setenv("C8Y_PASSWORD", simPassword)
	root := t.TempDir()
	code, stdout, stderr := runCmd(t, "--root", root, "register", "--bulk", csv, "--url", url)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"edge-a                   created (WAITING_FOR_CONNECTION)", "edge-old                 already there (WAITING_FOR_CONNECTION)", "3 devices, 0 failed"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if n := sim.CountRequests("POST", "/devicecontrol/bulkNewDeviceRequests"); n != 1 {
		t.Errorf("%d bulk uploads, want 1", n)
	}
	if n := sim.CountRequests("POST", "/devicecontrol/newDeviceRequests"); n != 0 {
		t.Errorf("%d single registrations beside the bulk one", n)
	}
	// edge-a asks for its credentials once (its request is then pending);
	// --accept accepts it and leaves edge-b waiting.
	client, err := tenantapi.New(tenantapi.Options{BaseURL: url})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.RequestDeviceCredentials(context.Background(), tenantapi.Bootstrap("", "", simBootstrap), "edge-a"); err == nil {
		t.Fatal("credentials before acceptance")
	}
	code, stdout, stderr = runCmd(t, "--root", root, "register", "--bulk", csv, "--url", url, "--accept", "--json")
	var devices []registration.BulkDevice
	if err := json.Unmarshal([]byte(stdout), &devices); err != nil || code != exitOK || len(devices) != 3 {
		t.Fatalf("exit %d (%v)\n%s\n%s", code, err, stdout, stderr)
	}
	if d := devices[0]; d.Outcome != registration.BulkOutcomeAccepted {
		t.Errorf("edge-a: %+v", d)
	}
	if st, _ := sim.RequestStatus("edge-a"); st != tenantsim.StatusAccepted {
		t.Errorf("edge-a is %s in the tenant", st)
	}
	if d := devices[1]; d.Outcome != registration.BulkOutcomeExists || d.Status != tenantapi.StatusWaitingForConnection {
		t.Errorf("edge-b: %+v", d)
	}

	// A line the platform refuses fails with its reason; exit 1.
	if err := os.WriteFile(csv, []byte("ID;CREDENTIALS;TYPE;NAME;ICCID;IDTYPE;PATH;SHELL;AUTH_TYPE\nedge-c;Secret-1234;c8y_Edge;edge-c;;;;;\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = runCmd(t, "--root", root, "register", "--bulk", csv, "--url", url)
	if code != exitFailed || !strings.Contains(stdout, "edge-c                   failed: tenantsim/notSimulated") || strings.Contains(stdout, "Secret-1234") {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
	// A file without the header line changes nothing in the tenant.
	if err := os.WriteFile(csv, []byte("edge-d;Fleet\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	before := sim.CountRequests("POST", "/devicecontrol/bulkNewDeviceRequests")
	code, _, stderr = runCmd(t, "--root", root, "register", "--bulk", csv, "--url", url)
	if code != exitFailed || !strings.Contains(stderr, "the first line must name the columns") || sim.CountRequests("POST", "/devicecontrol/bulkNewDeviceRequests") != before {
		t.Errorf("exit %d: %s", code, stderr)
	}
}
