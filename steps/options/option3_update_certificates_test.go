package options

import (
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/system"
)

func TestUpdateCertificatesNeedsPostInstall(t *testing.T) {
	te := newTestEnv(t)
	err := (UpdateCertificates{}).Available(te.Env)
	if err == nil || err.Error() != "option 2 (Run post-installation) has not completed yet: run it first" {
		t.Fatalf("Available before option 2: %v", err)
	}
	for _, s := range []steps.Step{PostUpgrade{}, TenantPassword{}} {
		if err := s.Available(te.Env); err == nil || err.Error() != system.ErrPostInstallPending {
			t.Fatalf("option %d before option 2: %v", s.Number(), err)
		}
	}
}

func TestLegacyConfigDatCountsAsPostInstall(t *testing.T) {
	te := newTestEnv(t)
	te.write(t, "/opt/c8y/utilities/post-installer/config.dat",
		"tenant.admin.username=admin\ntenant.admin.password=UzNjdXJlIXBhc3M=\ntenant.domain.name=edge.example.com\n")
	if err := (UpdateCertificates{}).Available(te.Env); err != nil {
		t.Fatalf("config.dat of the old script: %v", err)
	}
}

func TestUpdateCertificates(t *testing.T) {
	te := newTestEnv(t)
	completePostInstall(t, te)
	if err := (UpdateCertificates{}).Available(te.Env); err != nil {
		t.Fatal(err)
	}
	oldCert := te.read(t, "/opt/c8y/certs/edge.example.com.crt")
	oldKey := te.read(t, "/opt/c8y/certs/edge.example.com.key")
	renewed := validCert(t, testDomain)
	te.write(t, "/tmp/new/edge.crt", renewed.cert)
	te.write(t, "/tmp/new/edge.key", renewed.key)
	te.write(t, "/tmp/new/renewed.licence", "LICENCE 2027")
	before := len(planned(te.Env))

	a, shown := drive(t, te.Env, UpdateCertificates{},
		ok(system.PromptInputMode, "C"),
		bad("SSL certificate file path", "/tmp/other.crt", "is not for edge.example.com"),
		bad("SSL certificate file path", "/tmp/expired.crt", "expired"),
		ok("SSL certificate file path", "/tmp/new/edge.crt"),
		bad("SSL certificate key file path", "/tmp/edge.key", "does not belong to the certificate"),
		ok("SSL certificate key file path", "/tmp/new/edge.key"),
		ok("licence file path", "/tmp/new/renewed.licence"),
	)
	if shown[1].Text != "* Enter domain (edge.example.com) SSL certificate file path (*.crt|*.cert):" {
		t.Fatalf("prompt %q", shown[1].Text)
	}
	confirm := (UpdateCertificates{}).Confirm(te.Env, a)
	if !anyContains(confirm, "Keep replaced files as <name>.bak") {
		t.Fatalf("Confirm: %q", confirm)
	}
	evs := mustRun(t, te.Env, UpdateCertificates{}, a)

	if te.read(t, "/opt/c8y/certs/edge.example.com.crt") != renewed.cert || te.read(t, "/opt/c8y/certs/edge.example.com.key") != renewed.key {
		t.Fatal("new files not installed")
	}
	if te.read(t, "/opt/c8y/certs/edge.example.com.crt.bak") != oldCert || te.read(t, "/opt/c8y/certs/edge.example.com.key.bak") != oldKey {
		t.Fatal("previous files not kept as .bak")
	}
	for _, f := range []string{"/opt/c8y/certs/edge.example.com.key", "/opt/c8y/certs/edge.example.com.key.bak", "/opt/c8y/certs/myown.licence.bak"} {
		if m := te.mode(t, f); m != 0o600 {
			t.Errorf("%s mode %o, want 0600", f, m)
		}
	}
	if te.exists("/opt/c8y/certs/myown.licence") || te.read(t, "/opt/c8y/certs/myown.licence.bak") != "LICENCE for "+testDomain {
		t.Fatal("the previous licence was not retired to .bak")
	}
	if te.read(t, "/opt/c8y/certs/renewed.licence") != "LICENCE 2027" {
		t.Fatal("licence not installed under its own name")
	}
	cfg := te.read(t, "/opt/c8y/utilities/post-installer/config.dat")
	wantContains(t, cfg, "c8y.license=/opt/c8y/certs/renewed.licence")
	wantContains(t, cfg, "tenant.admin.username=admin") // other keys kept
	if got := planned(te.Env)[before:]; strings.Join(got, ";") != "systemctl reload-or-restart nginx" {
		t.Fatalf("planned %q", got)
	}
	if !hasEvent(evs, steps.SubStepDone, "previous kept as /opt/c8y/certs/edge.example.com.crt.bak") {
		t.Fatal("backup not reported")
	}
	if _, done, _ := system.Completed(te.Env, 3); !done {
		t.Fatal("completion not recorded")
	}
}

func TestUpdateCertificatesFileModeFallback(t *testing.T) {
	te := newTestEnv(t)
	completePostInstall(t, te)
	te.write(t, "/root/update.txt", "ssl.certificate=/tmp/other.crt\nssl.certificate.key=/tmp/edge.key\nc8y.license=/tmp/myown.licence\n")
	a, shown := drive(t, te.Env, UpdateCertificates{},
		ok(system.PromptInputMode, "F"),
		ok(PromptUpdateFile, "/root/update.txt"),
		ok("SSL certificate file path", "/tmp/edge.crt"),
	)
	wantContains(t, shown[2].Note, "ssl.certificate in /root/update.txt is not usable (the certificate in /tmp/other.crt is not for edge.example.com")
	if a[steps.CfgCertKey] != "/tmp/edge.key" || a[steps.CfgLicence] != "/tmp/myown.licence" {
		t.Fatalf("answers %v", a)
	}
	evs := mustRun(t, te.Env, UpdateCertificates{}, a)
	// Same files again: nothing to back up.
	if te.exists("/opt/c8y/certs/edge.example.com.crt.bak") || hasEvent(evs, steps.SubStepDone, ".bak") {
		t.Fatal("identical files backed up")
	}
}

func TestUpdateCertificatesReloadFailureRestores(t *testing.T) {
	te := newTestEnv(t)
	completePostInstall(t, te)
	oldCert := te.read(t, "/opt/c8y/certs/edge.example.com.crt")
	renewed := validCert(t, testDomain)
	te.write(t, "/tmp/new/edge.crt", renewed.cert)
	te.write(t, "/tmp/new/edge.key", renewed.key)
	a, _ := drive(t, te.Env, UpdateCertificates{}, ok("", "C"), ok("", "/tmp/new/edge.crt"), ok("", "/tmp/new/edge.key"), ok("", "/tmp/myown.licence"))
	te.Runner = failingRunner(te, "nginx: [emerg] cannot load certificate")
	_, err := run(t, te.Env, UpdateCertificates{}, a)
	if err == nil || !strings.Contains(err.Error(), "the files changed so far were restored") {
		t.Fatalf("err %v", err)
	}
	if te.read(t, "/opt/c8y/certs/edge.example.com.crt") != oldCert || te.exists("/opt/c8y/certs/edge.example.com.crt.bak") {
		t.Fatal("certificate not restored")
	}
}
