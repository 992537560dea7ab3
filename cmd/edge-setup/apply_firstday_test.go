package main

import (
	"encoding/json"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/internal/demo"
	"github.com/edge-setup/edge-setup/steps/answers"
	"github.com/edge-setup/edge-setup/steps/remoteaccess"
	"github.com/edge-setup/edge-setup/steps/status"
)

// firstDayFile is a whole Edge in one answers file: network, post-
// installation, registration, hosting, remote access and the Data Broker.
func firstDayFile(d *demo.Demo) string {
	_, port, _ := net.SplitHostPort(d.SSHAddr())
	files := "/" + demo.FilesDir + "/" + demo.Domain
	return `version: 1
options:
  - option: 1
    answers:
      network.ip: 192.168.1.10
      netmask: 255.255.255.0
      gateway.ip: 192.168.1.1
      dns.server.ip: 192.168.1.1
      docker.bridge.cidr: 172.18.0.1/16
  - option: 2
    answers:
      tenant.admin.username: ` + demo.EdgeAdmin + `
      tenant.admin.password: {env: EDGE_ADMIN_PASSWORD}
      tenant.domain.name: ` + demo.Domain + `
      ssl.certificate: ` + files + `.crt
      ssl.certificate.key: ` + files + `.key
      c8y.license: ` + files + `.licence
      c8y.url: ` + d.URL() + `
  - option: 7
    answers:
      cloud_url: ` + d.URL() + `
      bootstrap_password: {env: C8Y_BOOTSTRAP_PASSWORD}
      tenant_user: ` + demo.User + `
      tenant_password: {env: TENANT_PASSWORD}
    register: {wait: true, timeout: 2m, create: true, accept: true}
  - option: 8
    hosting: enabled
  - option: S
    answers:
      tenant_user: ` + demo.User + `
      tenant_password: {env: TENANT_PASSWORD}
      ssh_host: 127.0.0.1
      ssh_port: ` + port + `
      ssh_credentials: K
      ssh_user: ` + demo.SSHUser + `
  - option: B
    databroker: Edge to cloud
    answers:
      share: measurements, alarms
      devices: all
      tenant_user: ` + demo.User + `
      tenant_password: {env: TENANT_PASSWORD}
`
}

// TestApplyFirstDayInOneFile: one file takes a fresh Edge to connected,
// reachable over SSH through the tenant and sharing its data; --check
// prints the whole plan first; the same file again changes nothing, says
// "unchanged" for every option and needs no secret it does not use.
func TestApplyFirstDayInOneFile(t *testing.T) {
	cleanEnv(t)
	root := t.TempDir()
	d, err := demo.Start(root, version)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	file := writeAnswers(t, firstDayFile(d))
	t.Setenv("EDGE_ADMIN_PASSWORD", demo.EdgeAdminPassword)
	t.Setenv("TENANT_PASSWORD", demo.Password)
	t.Setenv("C8Y_BOOTSTRAP_PASSWORD", "") // the demo presets it in edge-agent.properties
	base := []string{"--root", root, "--edge-url", d.EdgeURL()}

	code, stdout, stderr := runCmd(t, append(base, "apply", "--check", file)...)
	if code != exitOK {
		t.Fatalf("--check exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"1 - ", "2 - Run post-installation", "      - ",
		"7 - Configure Edge Agent (then register, creating the request, accepting it, waiting up to 2m0s)",
		"S - Remote SSH access through the tenant (after option 7 has run",
		"B - Data Broker: new connector to the cloud tenant (after option 2 and 7 have run",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the plan lacks %q:\n%s", want, stdout)
		}
	}

	code, stdout, stderr = runCmd(t, append(base, "apply", "--json", file)...)
	var first applyReport
	if err := json.Unmarshal([]byte(stdout), &first); err != nil || code != exitOK {
		t.Fatalf("first run exit %d (%v)\n%s\n%s", code, err, stdout, stderr)
	}
	if !first.Changed || len(first.Options) != 6 {
		t.Fatalf("first run: %+v", first)
	}
	for _, o := range first.Options {
		if o.Result != answers.ResultChanged || len(o.Changes) == 0 {
			t.Errorf("first run, option %s: %+v", o.Option, o)
		}
	}
	code, stdout, _ = runCmd(t, append(base, "status", "--json")...)
	var st status.Status
	if err := json.Unmarshal([]byte(stdout), &st); err != nil || code != exitOK || st.Registration.State != status.RegConnected {
		t.Errorf("status exit %d (%v): %s", code, err, stdout)
	}
	if r := st.RemoteAccess; !r.SetUp || r.Endpoints != 2 || !r.Relay || r.Target == "" {
		t.Errorf("status says of S: %+v", r)
	}
	var ra remoteaccess.State
	if ok, _ := edgeprops.New(root).ReadState(remoteaccess.StateName, &ra); !ok || ra.PassthroughID == "" {
		t.Errorf("remote access state: %+v", ra)
	}

	// The rerun: the bootstrap password the Edge no longer needs may be gone.
	t.Setenv("C8Y_BOOTSTRAP_PASSWORD", "")
	before := listTree(t, filepath.Join(root, edgeprops.AgentDir))
	code, stdout, stderr = runCmd(t, append(base, "apply", "--json", file)...)
	var second applyReport
	if err := json.Unmarshal([]byte(stdout), &second); err != nil || code != exitOK {
		t.Fatalf("second run exit %d (%v)\n%s\n%s", code, err, stdout, stderr)
	}
	if second.Changed || len(second.Options) != 6 {
		t.Errorf("second run changed something: %s", stdout)
	}
	for _, o := range second.Options {
		if o.Result != answers.ResultUnchanged {
			t.Errorf("second run, option %s: %+v", o.Option, o)
		}
	}
	if strings.Contains(stderr, "warning") {
		t.Errorf("second run warns:\n%s", stderr)
	}
	if after := listTree(t, filepath.Join(root, edgeprops.AgentDir)); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Errorf("agent files differ:\n%v\n%v", before, after)
	}
}
