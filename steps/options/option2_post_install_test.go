package options

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/system"
)

const (
	testDomain   = "edge.example.com"
	testPassword = "S3cure!pass"
)

// certFixtures writes the usual operator files under <root>/tmp.
func certFixtures(t *testing.T, te *testEnv) {
	t.Helper()
	good := validCert(t, "*.example.com") // a wildcard covers edge.example.com
	other := validCert(t, "other.example.org")
	expired := makeCert(t, []string{testDomain}, testNow.AddDate(-2, 0, 0), testNow.AddDate(0, 0, -1))
	te.write(t, "/tmp/edge.crt", good.cert)
	te.write(t, "/tmp/edge.key", good.key)
	te.write(t, "/tmp/other.crt", other.cert)
	te.write(t, "/tmp/other.key", other.key)
	te.write(t, "/tmp/expired.crt", expired.cert)
	te.write(t, "/tmp/myown.licence", "LICENCE for "+testDomain)
	te.write(t, "/tmp/empty.licence", "")
}

// postInstallInputs is a console session of option 2 with no mistakes.
func postInstallInputs(cloudURL string) []in {
	return []in{
		ok("[F] to take input from file", "c"),
		ok(PromptAdminUser, "admin"),
		ok(system.PromptAdminPassword, testPassword),
		ok(system.PromptReenterPassword, testPassword),
		ok(PromptDomain, testDomain),
		ok("SSL certificate file path", "/tmp/edge.crt"),
		ok("SSL certificate key file path", "/tmp/edge.key"),
		ok("licence file path", "/tmp/myown.licence"),
		ok(system.PromptCloudURL, cloudURL),
	}
}

// completePostInstall runs option 2 successfully.
func completePostInstall(t *testing.T, te *testEnv) {
	t.Helper()
	certFixtures(t, te)
	a, _ := drive(t, te.Env, PostInstall{}, postInstallInputs("")...)
	mustRun(t, te.Env, PostInstall{}, a)
}

func TestPostInstallConsoleValidation(t *testing.T) {
	te := newTestEnv(t)
	certFixtures(t, te)
	a, shown := drive(t, te.Env, PostInstall{},
		bad(system.PromptInputMode, "x", "enter F to take input from a file or C"),
		ok(system.PromptInputMode, "C"),
		bad(PromptAdminUser, "", "enter the user name"),
		bad(PromptAdminUser, "my admin", "a space is not allowed"),
		bad(PromptAdminUser, "ad:min", `':' is not allowed`),
		bad(PromptAdminUser, "device_x", "reserved for devices"),
		bad(PromptAdminUser, "-admin", "must start with a letter or a digit"),
		bad(PromptAdminUser, strings.Repeat("a", 65), "at most 64"),
		ok(PromptAdminUser, " admin "),
		bad(system.PromptAdminPassword, "", "cannot be empty"),
		bad(system.PromptAdminPassword, "short1!", "has 7 characters; it needs at least 8"),
		bad(system.PromptAdminPassword, strings.Repeat("a", 33), "has 33 characters; at most 32"),
		bad(system.PromptAdminPassword, "pass word1", "character 5 of the password (a space) is not allowed"),
		bad(system.PromptAdminPassword, "passwörd1", "non-ASCII character"),
		ok(system.PromptAdminPassword, testPassword),
		bad(system.PromptReenterPassword, testPassword+"x", "the passwords do not match"),
		ok(system.PromptAdminPassword, testPassword),
		ok(system.PromptReenterPassword, testPassword),
		bad(PromptDomain, "", "enter the tenant domain name"),
		bad(PromptDomain, "edge", "is not fully qualified"),
		bad(PromptDomain, "https://edge.example.com", "without https://"),
		bad(PromptDomain, "10.0.0.5", "is an IP address"),
		bad(PromptDomain, "*.example.com", "not a wildcard"),
		bad(PromptDomain, "edge..example.com", "doubled or missing dots"),
		bad(PromptDomain, "edge_1.example.com", "is not allowed in a host name"),
		bad(PromptDomain, "edge.example.123", "is all digits"),
		ok(PromptDomain, "Edge.Example.com."),
		bad("SSL certificate file path", "/tmp/nope.crt", "/tmp/nope.crt does not exist"),
		bad("SSL certificate file path", "/tmp", "is a directory"),
		bad("SSL certificate file path", "/tmp/other.crt", "is not for edge.example.com"),
		bad("SSL certificate file path", "/tmp/expired.crt", "expired on"),
		bad("SSL certificate file path", "/tmp/edge.key", "holds a private key"),
		ok("SSL certificate file path", "/tmp/edge.crt"),
		bad("SSL certificate key file path", "/tmp/other.key", "does not belong to the certificate"),
		bad("SSL certificate key file path", "/tmp/edge.crt", "is a certificate, not its private key"),
		ok("SSL certificate key file path", "/tmp/edge.key"),
		bad("licence file path", "/tmp/empty.licence", "is empty"),
		bad("licence file path", "/tmp/edge.crt", "not a Cumulocity licence"),
		ok("licence file path", "/tmp/myown.licence"),
		bad(system.PromptCloudURL, "ftp://acme.cumulocity.com", "not supported"),
		ok(system.PromptCloudURL, "acme.cumulocity.com"),
	)
	if a[steps.CfgAdminUser] != "admin" || a[steps.CfgDomain] != testDomain || a[steps.CfgCloudURL] != "https://acme.cumulocity.com" {
		t.Fatalf("answers not normalised: user %q domain %q url %q", a[steps.CfgAdminUser], a[steps.CfgDomain], a[steps.CfgCloudURL])
	}
	// The prompt texts of the reference, with the domain filled in.
	var texts []string
	for _, p := range shown {
		texts = append(texts, p.Text)
		if (p.Key == steps.CfgAdminPassword || p.Key == steps.KeyPasswordAgain) && !p.Secret {
			t.Errorf("%s is not secret", p.Key)
		}
	}
	wantLines(t, texts,
		"* Enter [F] to take input from file or [C] to take input from console:",
		"* Enter tenant admin username:",
		"* Enter tenant admin password:",
		"* Re-enter tenant admin password:",
		"* Enter tenant admin password:", // asked again after the mismatch
		"* Re-enter tenant admin password:",
		"* Enter tenant domain name:",
		"* Enter domain (edge.example.com) SSL certificate file path (*.crt|*.cert):",
		"* Enter domain (edge.example.com) SSL certificate key file path (*.key):",
		"* Enter domain (edge.example.com) Cumulocity licence file path (*.licence):",
		"* Enter cloud URL (leave blank to disable remote management):",
	)
	for _, l := range (PostInstall{}).Confirm(te.Env, a) {
		if strings.Contains(l, testPassword) {
			t.Fatalf("Confirm shows the password: %q", l)
		}
	}
}

func TestPostInstallRunWritesFiles(t *testing.T) {
	te := newTestEnv(t)
	certFixtures(t, te)
	a, _ := drive(t, te.Env, PostInstall{}, postInstallInputs("https://acme.cumulocity.com")...)
	confirm := (PostInstall{}).Confirm(te.Env, a)
	if !anyContains(confirm, "Install the SSL certificate key /tmp/edge.key as /opt/c8y/certs/edge.example.com.key (mode 0600)") ||
		!anyContains(confirm, "Connect the Edge agent to https://acme.cumulocity.com") {
		t.Fatalf("Confirm:\n%s", strings.Join(confirm, "\n"))
	}
	evs := mustRun(t, te.Env, PostInstall{}, a)

	if got := te.read(t, "/opt/c8y/certs/edge.example.com.crt"); got != te.read(t, "/tmp/edge.crt") {
		t.Fatal("certificate not installed")
	}
	if m := te.mode(t, "/opt/c8y/certs/edge.example.com.crt"); m != 0o644 {
		t.Errorf("certificate mode %o", m)
	}
	if m := te.mode(t, "/opt/c8y/certs/edge.example.com.key"); m != 0o600 {
		t.Errorf("key mode %o, want 0600", m)
	}
	if got := te.read(t, "/opt/c8y/certs/myown.licence"); got != "LICENCE for "+testDomain {
		t.Fatalf("licence %q (must keep its name)", got)
	}
	cfg := te.read(t, "/opt/c8y/utilities/post-installer/config.dat")
	for _, want := range []string{
		"tenant.admin.username=admin",
		"tenant.admin.password=" + base64.StdEncoding.EncodeToString([]byte(testPassword)),
		"tenant.domain.name=edge.example.com",
		"ssl.certificate=/opt/c8y/certs/edge.example.com.crt",
		"ssl.certificate.key=/opt/c8y/certs/edge.example.com.key",
		"c8y.license=/opt/c8y/certs/myown.licence",
	} {
		wantContains(t, cfg, want)
	}
	if strings.Contains(cfg, testPassword) {
		t.Fatal("config.dat holds the plain password")
	}
	if m := te.mode(t, "/opt/c8y/utilities/post-installer/config.dat"); m != 0o600 {
		t.Errorf("config.dat mode %o, want 0600", m)
	}
	if p := planned(te.Env); len(p) == 0 || p[0] != "systemctl reload-or-restart nginx" {
		t.Fatalf("planned %q", p)
	}
	wantContains(t, te.read(t, "/"+steps.PlannedCommandsFile), "systemctl reload-or-restart nginx\n")
	agent, err := te.Props.LoadAgentConfig()
	if err != nil || agent.URL != "https://acme.cumulocity.com" || !agent.RemoteManagement {
		t.Fatalf("agent config %+v, %v", agent, err)
	}
	if _, done, _ := system.Completed(te.Env, 2); !done {
		t.Fatal("completion not recorded")
	}
	for _, name := range []string{"Check the certificate, key and licence", "Install the SSL certificate", "Write config.dat", "Reload the web server", "Record completion"} {
		if !hasEvent(evs, steps.SubStepDone, name) {
			t.Errorf("no done event for %q", name)
		}
	}
	// The password is remembered as a salted hash only.
	h := te.read(t, "/var/lib/edge-setup/password-history.json")
	if strings.Contains(h, testPassword) || strings.Contains(h, base64.StdEncoding.EncodeToString([]byte(testPassword))) {
		t.Fatal("history holds the password")
	}
	if m := te.mode(t, "/var/lib/edge-setup/password-history.json"); m != 0o600 {
		t.Errorf("history mode %o", m)
	}
}

func TestPostInstallDomainCannotChange(t *testing.T) {
	te := newTestEnv(t)
	certFixtures(t, te)
	te.write(t, "/opt/c8y/utilities/post-installer/config.dat", "tenant.domain.name=first.example.com\n")
	drive(t, te.Env, PostInstall{},
		ok("", "C"), ok("", "admin"), ok("", testPassword), ok("", testPassword),
		bad(PromptDomain, testDomain, "already configured for the domain first.example.com, which cannot be changed"),
		ok(PromptDomain, "first.example.com"),
		bad("SSL certificate file path", "/tmp/other.crt", "is not for first.example.com"),
		ok("", "/tmp/edge.crt"), // *.example.com covers first.example.com
		ok("", "/tmp/edge.key"), ok("", "/tmp/myown.licence"), ok("", ""),
	)
}

func TestPostInstallFileMode(t *testing.T) {
	te := newTestEnv(t)
	certFixtures(t, te)
	// The password is plain in a parameter file; the certificate path is wrong.
	te.write(t, "/root/params.txt", strings.Join([]string{
		"# post-installation parameters",
		"tenant.admin.username=admin",
		"tenant.admin.password=" + testPassword,
		"tenant.domain.name=edge.example.com",
		"ssl.certificate=/tmp/missing.crt",
		"ssl.certificate.key=/tmp/edge.key",
		"c8y.license=/tmp/myown.licence",
		"c8y.url=",
	}, "\n")+"\n")
	a, shown := drive(t, te.Env, PostInstall{},
		ok(system.PromptInputMode, "f"),
		bad(PromptPostInstallFile, "/root/none.txt", "/root/none.txt does not exist"),
		ok(PromptPostInstallFile, "/root/params.txt"),
		ok("SSL certificate file path", "/tmp/edge.crt"),
	)
	cert := shown[len(shown)-1]
	wantContains(t, cert.Note, "ssl.certificate in /root/params.txt is not usable (/tmp/missing.crt does not exist")
	if a[steps.CfgAdminPassword] != testPassword || a[steps.KeyPasswordAgain] != testPassword || a[steps.CfgCertKey] != "/tmp/edge.key" || a[steps.CfgCloudURL] != "" || !a.Has(steps.CfgCloudURL) {
		t.Fatalf("answers from the file missing: %v", a.Has(steps.CfgAdminPassword))
	}
	mustRun(t, te.Env, PostInstall{}, a)
	wantContains(t, te.read(t, "/opt/c8y/utilities/post-installer/config.dat"), "ssl.certificate=/opt/c8y/certs/edge.example.com.crt")
}

func TestPostInstallFileModeMissingAndInvalid(t *testing.T) {
	te := newTestEnv(t)
	certFixtures(t, te)
	te.write(t, "/root/params.txt", "tenant.admin.username=admin\ntenant.admin.password=short\n")
	_, shown := drive(t, te.Env, PostInstall{},
		ok("", "F"), ok("", "/root/params.txt"),
		ok(system.PromptAdminPassword, testPassword),
		ok(system.PromptReenterPassword, testPassword), // a console password is re-entered
		ok(PromptDomain, testDomain),
		ok("", "/tmp/edge.crt"), ok("", "/tmp/edge.key"), ok("", "/tmp/myown.licence"), ok("", ""),
	)
	wantContains(t, shown[2].Note, "tenant.admin.password in /root/params.txt is not usable (the password has 5 characters")
	if strings.Contains(shown[2].Note, "short") {
		t.Fatal("the note shows the password from the file")
	}
	wantContains(t, shown[4].Note, "tenant.domain.name is not in /root/params.txt: enter it here")
}

func TestPostInstallRefusesChangedFiles(t *testing.T) {
	te := newTestEnv(t)
	certFixtures(t, te)
	a, _ := drive(t, te.Env, PostInstall{}, postInstallInputs("")...)
	// Between the answers and the run the key is replaced by another one.
	te.write(t, "/tmp/edge.key", te.read(t, "/tmp/other.key"))
	_, err := run(t, te.Env, PostInstall{}, a)
	if err == nil || !strings.Contains(err.Error(), "does not belong to the certificate") || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("err %v", err)
	}
	if te.exists("/opt/c8y/certs/edge.example.com.crt") || te.exists("/opt/c8y/utilities/post-installer/config.dat") {
		t.Fatal("files written despite the failure")
	}
}

func TestPostInstallAgainKeepsPassword(t *testing.T) {
	te := newTestEnv(t)
	completePostInstall(t, te)
	a, _ := drive(t, te.Env, PostInstall{},
		ok("", "C"), ok("", "admin"),
		bad(system.PromptAdminPassword, "Other#pass1", "enter the current password; change it with option 6"),
		ok(system.PromptAdminPassword, testPassword), ok("", testPassword),
		ok(PromptDomain, testDomain),
		ok("", "/tmp/edge.crt"), ok("", "/tmp/edge.key"), ok("", "/tmp/myown.licence"), ok("", ""),
	)
	evs := mustRun(t, te.Env, PostInstall{}, a)
	if !hasEvent(evs, steps.SubStepDone, "/opt/c8y/certs/edge.example.com.crt") || te.exists("/opt/c8y/certs/edge.example.com.crt.bak") {
		t.Fatal("identical files should be installed without a backup")
	}
}
