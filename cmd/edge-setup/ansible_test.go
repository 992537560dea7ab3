package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/steps/status"
)

// The Ansible role and the example playbook against three Edges on this
// machine (sandbox roots as inventory hosts with a local connection), all
// registering with one tenantsim through one bulk registration: every
// Edge ends connected, and a second run reports no change.
func TestAnsibleFleetFirstDay(t *testing.T) {
	playbook, err := exec.LookPath("ansible-playbook")
	if err != nil {
		t.Skip("ansible-playbook is not installed (apt-get install ansible-core; .ci/run installs it): the fleet playbook is not tested here")
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("ansible-playbook without python3")
	}
	cleanEnv(t)
	sim, url := startSim(t)
	dir := t.TempDir()
	var hosts strings.Builder
	roots := map[string]string{}
	for i := 1; i <= 3; i++ {
		name := fmt.Sprintf("edge-%d", i)
		root := filepath.Join(dir, name)
		roots[name] = root
		fmt.Fprintf(&hosts, "    %s:\n      edge_setup_root: %s\n      edge_setup_bin: %s\n", name, root, filepath.Join(root, "usr/local/bin/edge-setup"))
	}
	inventory := `edges:
  hosts:
` + hosts.String() + `  vars:
    ansible_connection: local
    ansible_python_interpreter: ` + python + `
    edge_setup_binary_src: ` + binPath + `
    edge_setup_controller_bin: ` + binPath + `
    edge_setup_controller_args: ["--root", "` + filepath.Join(dir, "controller") + `"]
    edge_setup_tenant_url: ` + url + `
    edge_setup_tenant_user: "{{ lookup('env', 'FLEET_TENANT_USER') }}"
    edge_setup_tenant_password: "{{ lookup('env', 'FLEET_TENANT_PASSWORD') }}"
    edge_setup_secrets:
      C8Y_BOOTSTRAP_PASSWORD: "{{ lookup('env', 'FLEET_BOOTSTRAP') }}"
    edge_setup_register_options:
      - option: 7
        answers:
          cloud_url: ` + url + `
          bootstrap_password: {env: C8Y_BOOTSTRAP_PASSWORD}
          tenant_user: ""
        register: {wait: false}
    edge_setup_options:
      - option: 7
        answers:
          cloud_url: ` + url + `
          bootstrap_password: {env: C8Y_BOOTSTRAP_PASSWORD}
          tenant_user: ""
        register: {wait: true, timeout: 1m}
`
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o700); err != nil {
		t.Fatal(err)
	}
	inv := filepath.Join(dir, "inventory.yml")
	if err := os.WriteFile(inv, []byte(inventory), 0o600); err != nil {
		t.Fatal(err)
	}
	book, err := filepath.Abs("../../deploy/ansible/fleet-first-day.yml")
	if err != nil {
		t.Fatal(err)
	}
	run := func() string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute) // a hang guard
		defer cancel()
		cmd := exec.CommandContext(ctx, playbook, "-i", inv, book)
		home := filepath.Join(dir, "home")
		cmd.Env = append(os.Environ(), "HOME="+home, "ANSIBLE_LOCAL_TEMP="+filepath.Join(home, "local"),
			"ANSIBLE_REMOTE_TEMP="+filepath.Join(home, "remote"), "ANSIBLE_NOCOLOR=1", "TMPDIR="+filepath.Join(dir, "tmp"), "ANSIBLE_RETRY_FILES_ENABLED=0",
			"ANSIBLE_PIPELINING=1", "FLEET_TENANT_USER="+simUser, "FLEET_TENANT_PASSWORD="+simPassword, "FLEET_BOOTSTRAP="+simBootstrap)
		start := time.Now()
		out, err := cmd.CombinedOutput()
		t.Logf("ansible-playbook took %s", time.Since(start))
		if err != nil {
			t.Fatalf("ansible-playbook: %v\n%s", err, out)
		}
		for _, secret := range []string{simPassword, simBootstrap} {
			if strings.Contains(string(out), secret) {
				t.Errorf("a secret is in the playbook's output:\n%s", out)
			}
		}
		return string(out)
	}
	first := run()
	for name, root := range roots {
		code, stdout, _ := runCmd(t, "--root", root, "status", "--json")
		var st status.Status
		if err := json.Unmarshal([]byte(stdout), &st); err != nil || code != exitOK || st.Registration.State != status.RegConnected {
			t.Fatalf("%s is not connected (exit %d): %s\n%s", name, code, stdout, first)
		}
		want := fmt.Sprintf("%s: device %s, managed object %s, connected", name, st.DeviceID, st.Registration.ManagedObjectID)
		if !strings.Contains(first, want) {
			t.Errorf("the playbook does not show %q:\n%s", want, first)
		}
	}
	if n := sim.CountRequests("POST", "/devicecontrol/newDeviceRequests"); n != 0 {
		t.Errorf("%d registration requests one by one; the fleet is registered in bulk", n)
	}
	recap := regexp.MustCompile(`(?m)^(edge-\d)\s+: ok=\d+\s+changed=(\d+)`)
	second := run()
	found := recap.FindAllStringSubmatch(second, -1)
	if len(found) != 3 {
		t.Fatalf("no recap for the three Edges:\n%s", second)
	}
	for _, m := range found {
		if m[2] != "0" {
			t.Errorf("second run: %s changed=%s\n%s", m[1], m[2], second)
		}
	}
}
