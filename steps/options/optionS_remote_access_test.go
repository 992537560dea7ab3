package options_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/answers"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/remoteaccess"
	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/tenantapi"
)

func TestOptionSNeedsAConnectedEdge(t *testing.T) {
	w := stepstest.New(t)
	err := options.RemoteAccess{}.Available(w.Env)
	if err == nil || !strings.Contains(err.Error(), "run option 7") {
		t.Fatalf("Available on an Edge without a tenant: %v", err)
	}
	if l := options.ByLetter("s"); l == nil || l.Letter() != "S" {
		t.Fatal("S is not in the menu")
	}
}

func TestOptionSFromAnAnswersFileTwice(t *testing.T) {
	w := stepstest.New(t)
	port := stepstest.RemoteAccessEdge(t, w)
	w.Vars["ADMIN_PW"] = stepstest.AdminPassword
	file := "options:\n  - option: S\n    answers:\n      tenant_user: " + stepstest.AdminUser +
		"\n      tenant_password: {env: ADMIN_PW}\n      ssh_host: 127.0.0.1\n      ssh_port: " + port + "\n      ssh_credentials: K\n      ssh_user: ops\n"
	run := func() []string { return strings.Split(applyFile(t, w, file), "\n") }
	first := strings.Join(run(), "\n")
	if !strings.Contains(first, "SSH through the tenant works") || strings.Contains(first, stepstest.AdminPassword) {
		t.Fatalf("first run:\n%s", first)
	}
	second := strings.Join(run(), "\n")
	if strings.Contains(second, "done SSH endpoint") || strings.Contains(second, "done PASSTHROUGH endpoint") ||
		strings.Contains(second, "systemctl enable") || !strings.Contains(second, "SSH through the tenant works") {
		t.Fatalf("second run:\n%s", second)
	}
	// The check command's engine agrees, as the tenant user.
	user := tenantapi.Credentials{Tenant: stepstest.TenantID, User: stepstest.AdminUser, Password: stepstest.AdminPassword}
	if _, err := options.CheckRemoteAccess(context.Background(), w.Env, user, nil); err != nil {
		t.Fatal(err)
	}
	// The check shows the allow-list and names a target it does not allow.
	if _, err := remoteaccess.Deny(w.Env.Props, "127.0.0.1:"+port); err != nil {
		t.Fatal(err)
	}
	var b *remoteaccess.Broken
	if _, err := options.CheckRemoteAccess(context.Background(), w.Env, user, nil); !errors.As(err, &b) || b.Link != remoteaccess.LinkNotAllowed {
		t.Fatalf("check with the SSH server not allowed: %v", err)
	}
	if _, err := answers.LoadAnswers(context.Background(), w.Env, "bad.yaml", []byte("options:\n  - option: 10\n"), answers.CheckOptions{}); err == nil {
		t.Fatal("option 10 (S's inner number) accepted in a file")
	}
}

// S installs the relay service (planned under the sandbox root), adds the
// answers file's extra allow-list entries, and turns remote access off
// again, twice without change the second time.
func TestOptionSInstallsTheRelayAndTurnsItselfOff(t *testing.T) {
	w := stepstest.New(t)
	port := stepstest.RemoteAccessEdge(t, w)
	w.Vars["ADMIN_PW"] = stepstest.AdminPassword
	base := "options:\n  - option: S\n    answers:\n      tenant_user: " + stepstest.AdminUser + "\n      tenant_password: {env: ADMIN_PW}\n"
	on := base + "      ssh_host: 127.0.0.1\n      ssh_port: " + port + "\n      ssh_credentials: K\n      ssh_user: ops\n      allow: 127.0.0.1:8443\n"
	run := func(file string) string { t.Helper(); return applyFile(t, w, file) }
	out := run(on)
	for _, want := range []string{"Install the relay service /etc/systemd/system/edge-setup-remote-access.service",
		"systemctl enable --now edge-setup-remote-access", "Allowed on this Edge: 127.0.0.1:" + port + ", 127.0.0.1:8443"} {
		if !strings.Contains(out, want) {
			t.Fatalf("S on lacks %q:\n%s", want, out)
		}
	}
	if unit, err := os.ReadFile(filepath.Join(w.Env.Root, remoteaccess.RelayUnitFile)); err != nil || string(unit) != remoteaccess.RelayUnit {
		t.Fatalf("unit: %v", err)
	}
	off := base + "      remote_access: off\n"
	out = run(off)
	for _, want := range []string{"done Delete the endpoint \"" + remoteaccess.NameSSH, "done Delete the endpoint \"" + remoteaccess.NamePassthrough,
		"done Remove the key from authorized_keys", "done Take back 127.0.0.1:" + port, "systemctl disable --now edge-setup-remote-access",
		"allowed now: 127.0.0.1:8443"} {
		if !strings.Contains(out, want) {
			t.Fatalf("S off lacks %q:\n%s", want, out)
		}
	}
	keys, _ := os.ReadFile(filepath.Join(w.Env.Root, "home/ops/.ssh/authorized_keys"))
	mo, _ := w.Sim.ManagedObjectByExternalID("c8y_Serial", "edge-s")
	if strings.Contains(string(keys), "edge-setup-remote-access@") || len(w.Sim.RemoteAccessConfigs(mo["id"].(string))) != 0 {
		t.Fatalf("left behind: keys %q", keys)
	}
	// Off again: S has no record, so it asks nothing more; nothing to delete.
	out = run(off)
	if strings.Contains(out, "done Delete") || strings.Contains(out, "done Remove") {
		t.Fatalf("the second off changed something:\n%s", out)
	}
}

// applyFile applies the answers file and returns its events, one a line.
func applyFile(t *testing.T, w *stepstest.World, file string) string {
	t.Helper()
	plan, err := answers.LoadAnswers(context.Background(), w.Env, "s.yaml", []byte(file), answers.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	err = answers.Apply(context.Background(), w.Env, plan, answers.ApplyOptions{Event: func(_ int, e steps.Event) {
		lines = append(lines, e.Kind.String()+" "+e.Name+" "+e.Detail)
	}})
	if err != nil {
		t.Fatalf("%v\n%s", err, strings.Join(lines, "\n"))
	}
	return strings.Join(lines, "\n")
}

// On a system that executes commands, a rerun enables the relay again only
// when systemd says it is not enabled or not running.
func TestOptionSRerunEnablesTheRelayOnlyWhenItIsDown(t *testing.T) {
	w := stepstest.New(t)
	port := stepstest.RemoteAccessEdge(t, w)
	w.Vars["ADMIN_PW"] = stepstest.AdminPassword
	file := "options:\n  - option: S\n    answers:\n      tenant_user: " + stepstest.AdminUser +
		"\n      tenant_password: {env: ADMIN_PW}\n      ssh_host: 127.0.0.1\n      ssh_port: " + port + "\n      ssh_credentials: K\n      ssh_user: ops\n"
	applyFile(t, w, file)
	for _, active := range []bool{false, true} {
		var ran []string
		w.Env.Runner = &steps.Runner{Root: w.Env.Root, Execute: true, Exec: func(ctx context.Context, c steps.Command) ([]byte, error) {
			ran = append(ran, c.String())
			if !active && strings.Contains(c.String(), "is-active") {
				return nil, errors.New("exit status 3")
			}
			return nil, nil
		}}
		applyFile(t, w, file)
		enabled := slices.Contains(ran, options.RelayServiceEnable.String())
		if enabled == active {
			t.Errorf("relay active %v: enable run %v (commands %q)", active, enabled, ran)
		}
	}
}

// Stopped while its proof waits (Esc in the TUI, Ctrl+C in plain mode),
// S says what it waited for and that nothing is half-done; the wait came
// with its bound by the environment's clock; a rerun proves what was set up.
func TestOptionSStoppedWhileItsProofWaits(t *testing.T) {
	w := stepstest.New(t)
	port := stepstest.RemoteAccessEdge(t, w)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	w.Env.Now = func() time.Time { return now }
	a := steps.Answers{options.KeyRATenantUser: stepstest.AdminUser, options.KeyRATenantPassword: stepstest.AdminPassword,
		options.KeySSHHost: "127.0.0.1", options.KeySSHPort: port, options.KeySSHCredentials: remoteaccess.CredKeyPair, options.KeySSHUser: "ops", options.KeyRAAllow: ""}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var waits []steps.Event
	err := options.RemoteAccess{}.Run(ctx, w.Env, a, func(e steps.Event) {
		if e.Kind == steps.Waiting {
			waits = append(waits, e)
			cancel() // the operator stops it as soon as it waits
		}
	})
	var stopped *remoteaccess.Stopped
	if !errors.As(err, &stopped) || stopped.Awaited != remoteaccess.AwaitTenant || !strings.Contains(err.Error(), "nothing was left half-done") {
		t.Fatalf("stopped S: %v", err)
	}
	if len(waits) != 1 || waits[0].Detail != remoteaccess.AwaitTenant || waits[0].SecondsLeft(now) != 45 {
		t.Fatalf("waits %+v", waits)
	}
	if err := (options.RemoteAccess{}).Run(context.Background(), w.Env, a, nil); err != nil {
		t.Fatalf("the run after the stop: %v", err)
	}
}
