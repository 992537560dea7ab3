package options

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/system"
)

func TestPostUpgradeRefusedOverSSH(t *testing.T) {
	te := newTestEnv(t)
	completePostInstall(t, te)
	te.vars["SSH_TTY"] = "/dev/pts/0"
	if err := (PostUpgrade{}).Available(te.Env); err == nil || !strings.Contains(err.Error(), "option 4 must be run from the VM console, not over SSH") {
		t.Fatalf("%v", err)
	}
}

func TestPostUpgradeGoodPassword(t *testing.T) {
	te := newTestEnv(t)
	completePostInstall(t, te)
	before := len(planned(te.Env))
	if err := (PostUpgrade{}).Available(te.Env); err != nil {
		t.Fatal(err)
	}
	a, _ := drive(t, te.Env, PostUpgrade{}) // confirmation only
	wantLines(t, (PostUpgrade{}).Confirm(te.Env, a),
		"Keep the tenant admin password (the stored one meets the policy)",
		"Run systemctl daemon-reload",
		"Run systemctl restart mongod",
		"Run systemctl restart cumulocity-core-karaf",
		"Run systemctl reload-or-restart nginx",
		"These commands are planned only: the root is a sandbox",
		"Then restart the Edge VM",
	)
	evs := mustRun(t, te.Env, PostUpgrade{}, a)
	wantLines(t, planned(te.Env)[before:],
		"systemctl daemon-reload",
		"systemctl restart mongod",
		"systemctl restart cumulocity-core-karaf",
		"systemctl reload-or-restart nginx",
	)
	if !hasEvent(evs, steps.Info, "Restart the Edge VM now") || !hasEvent(evs, steps.SubStepSkipped, "Change the tenant password") {
		t.Fatalf("events %v", evs)
	}
	if _, done, _ := system.Completed(te.Env, 4); !done {
		t.Fatal("completion not recorded")
	}
}

func TestPostUpgradeWeakPasswordAsksNewOne(t *testing.T) {
	te := newTestEnv(t)
	completePostInstall(t, te)
	// An older release allowed a password the policy now refuses.
	d, _ := te.Props.LoadConfigDat()
	d.SetAdminPassword("pass word")
	if err := te.Props.SaveConfigDat(d); err != nil {
		t.Fatal(err)
	}
	sim := edgePlatform(t, te, "pass word")
	a, shown := drive(t, te.Env, PostUpgrade{},
		bad(system.PromptNewAdminPassword, "pass word", "a space"),
		bad(system.PromptNewAdminPassword, testPassword, "was used before"), // option 2's password is in the history
		ok(system.PromptNewAdminPassword, "N3w-Passw0rd"),
		bad(system.PromptReenterPassword, "N3w-Passw0rd!", "do not match"),
		ok(system.PromptNewAdminPassword, "N3w-Passw0rd"),
		ok(system.PromptReenterPassword, "N3w-Passw0rd"),
	)
	wantContains(t, shown[0].Note, "the stored tenant password does not meet the password policy: character 5 of the password (a space) is not allowed")
	if !shown[0].Secret || !shown[1].Secret {
		t.Fatal("password prompts not secret")
	}
	confirm := (PostUpgrade{}).Confirm(te.Env, a)
	if confirm[0] != "Change the tenant admin password (not shown) on the Edge platform ("+te.EdgeURL+") and in /opt/c8y/utilities/post-installer/config.dat" {
		t.Fatalf("Confirm %q", confirm)
	}
	mustRun(t, te.Env, PostUpgrade{}, a)
	if sim.UserPassword("admin") != "N3w-Passw0rd" {
		t.Fatal("platform password not changed")
	}
	wantContains(t, te.read(t, "/opt/c8y/utilities/post-installer/config.dat"), "tenant.admin.password="+base64.StdEncoding.EncodeToString([]byte("N3w-Passw0rd")))
	if m := te.mode(t, "/opt/c8y/utilities/post-installer/config.dat"); m != 0o600 {
		t.Errorf("config.dat mode %o", m)
	}
}

func TestPostUpgradeCommandFailure(t *testing.T) {
	te := newTestEnv(t)
	completePostInstall(t, te)
	te.Runner = failingRunner(te, "Job for mongod.service failed")
	a, _ := drive(t, te.Env, PostUpgrade{})
	evs, err := run(t, te.Env, PostUpgrade{}, a)
	if err == nil || !strings.Contains(err.Error(), "systemctl daemon-reload failed") || !strings.Contains(err.Error(), "no service command ran") {
		t.Fatalf("err %v", err)
	}
	if !hasEvent(evs, steps.Output, "Job for mongod.service failed") {
		t.Fatal("command output not shown")
	}
	if _, done, _ := system.Completed(te.Env, 4); done {
		t.Fatal("failed run recorded as completed")
	}
}

func TestPostUpgradeWeakPasswordPlatformDown(t *testing.T) {
	te := newTestEnv(t)
	completePostInstall(t, te)
	d, _ := te.Props.LoadConfigDat()
	d.SetAdminPassword("short")
	if err := te.Props.SaveConfigDat(d); err != nil {
		t.Fatal(err)
	}
	edgePlatform(t, te, "short")
	te.EdgeURL = "http://127.0.0.1:1" // nothing listens
	before := te.read(t, "/opt/c8y/utilities/post-installer/config.dat")
	a, _ := drive(t, te.Env, PostUpgrade{}, ok("", "N3w-Passw0rd"), ok("", "N3w-Passw0rd"))
	_, err := run(t, te.Env, PostUpgrade{}, a)
	if err == nil || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("err %v", err)
	}
	if te.read(t, "/opt/c8y/utilities/post-installer/config.dat") != before {
		t.Fatal("config.dat changed")
	}
	if n := len(planned(te.Env)); n != 1 { // only option 2's nginx reload
		t.Fatalf("upgrade commands planned after the failure: %v", planned(te.Env))
	}
}
