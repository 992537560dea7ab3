package main

import (
	"context"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// register --create/--accept without --wait acts on the tenant only, so a
// second shell can accept the device while the menu holds the lock (the
// demo's way out without a web UI); it never takes the device credentials.
func TestRegisterAcceptBesideALockedMenu(t *testing.T) {
	cleanEnv(t)
	sim, url := startSim(t)
	root := t.TempDir()
	store := edgeprops.New(root)
	cfg, _ := store.LoadAgentConfig()
	cfg.URL, cfg.RemoteManagement, cfg.BootstrapPassword = url, true, simBootstrap
	if err := store.SaveAgentConfig(cfg); err != nil {
		t.Fatal(err)
	}
	id, _, err := store.DeviceID()
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := store.Lock()
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	t.Setenv("C8Y_USER", simUser)
	t.Setenv("C8Y_PASSWORD", simPassword)

	code, stdout, stderr := runCmd(t, "--root", root, "register", "--create", "--accept")
	if code != exitTimeout || !strings.Contains(stdout, "registration request created") || !strings.Contains(stdout, "not pending yet") {
		t.Fatalf("create: exit %d\n%s%s", code, stdout, stderr)
	}
	if err := sim.Accept(id); err == nil {
		t.Fatal("the sim accepted a request the device never asked for")
	}
	// The device asks (as the menu's poll would): now it is pending.
	polls := sim.CountRequests("POST", "/devicecontrol/deviceCredentials")
	if st, _ := sim.RequestStatus(id); st != "WAITING_FOR_CONNECTION" {
		t.Fatalf("status %q", st)
	}
	code, _, stderr = runCmd(t, "--root", root, "register", "--accept")
	if code != exitTimeout {
		t.Errorf("accept while waiting: exit %d (%s)", code, stderr)
	}
	if after := sim.CountRequests("POST", "/devicecontrol/deviceCredentials"); after != polls {
		t.Errorf("register --accept asked for the device credentials %d times", after-polls)
	}
	if _, ok, _ := store.LoadCredentials(); ok {
		t.Error("register --accept stored credentials")
	}
	// The device asks once (as the menu's poll does): pending; now it is accepted.
	c, err := tenantapi.New(tenantapi.Options{BaseURL: url})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = c.RequestDeviceCredentials(context.Background(), tenantapi.Bootstrap(cfg.BootstrapTenant, cfg.BootstrapUser, simBootstrap), id)
	code, stdout, stderr = runCmd(t, "--root", root, "register", "--accept")
	if code != exitOK || !strings.Contains(stdout, "acceptance sent") {
		t.Errorf("accept when pending: exit %d\n%s%s", code, stdout, stderr)
	}
	if st, _ := sim.RequestStatus(id); st != "ACCEPTED" {
		t.Errorf("status %q after --accept", st)
	}
}
