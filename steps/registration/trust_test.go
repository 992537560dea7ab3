package registration_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/diagnose"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/steps/system"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// Same tenant, different spelling: the comparison applies the scheme's
// default port and ignores case and a trailing dot; the URL prompt drops the
// dot and refuses ports outside 1-65535 with the reason.
func TestSameTenantDifferentSpelling(t *testing.T) {
	same := [][2]string{
		{"http://127.0.0.1", "http://127.0.0.1:80"},
		{"https://acme.example.com", "https://ACME.example.com.:443"},
		{"https://acme.example.com:0443", "https://acme.example.com"},
		{"https://[::1]", "https://[::1]:443"},
		{"https://[0:0:0:0:0:0:0:1]", "https://[::1]"},
	}
	for _, p := range same {
		if !system.SameHost(p[0], p[1]) {
			t.Errorf("SameHost(%s, %s) = false", p[0], p[1])
		}
	}
	different := [][2]string{
		{"http://127.0.0.1", "https://127.0.0.1"},
		{"https://acme.example.com", "https://acme.example.com:8443"},
		{"https://acme.example.com", "https://other.example.com"},
	}
	for _, p := range different {
		if system.SameHost(p[0], p[1]) {
			t.Errorf("SameHost(%s, %s) = true", p[0], p[1])
		}
	}
	for in, want := range map[string]string{
		"acme.example.com.":             "https://acme.example.com",
		"https://Acme.Example.COM.:443": "https://acme.example.com:443",
		"http://localhost.:8080/":       "http://localhost:8080",
		"http://[0:0::1]:8080":          "http://[::1]:8080",
	} {
		if got, err := system.NormalizeCloudURL(in); err != nil || got != want {
			t.Errorf("NormalizeCloudURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, reason := range map[string]string{
		"https://acme.example.com:0":      "outside 1-65535",
		"https://acme.example.com:65536":  "outside 1-65535",
		"https://acme.example.com:99999":  "outside 1-65535",
		"https://acme.example.com:":       "without a port",
		"https://acme.example.com:123456": "not a number from 1 to 65535",
		"https://.":                       "no host name",
	} {
		if _, err := system.NormalizeCloudURL(in); err == nil || !strings.Contains(err.Error(), reason) {
			t.Errorf("NormalizeCloudURL(%q): %v, want %q", in, err, reason)
		}
	}
}

// tlsServer serves the world's tenant over TLS with cfg.
func tlsServer(t *testing.T, fw *faultWorld, cfg *tls.Config) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(fw.Sim)
	srv.TLS = cfg
	srv.Config.ErrorLog = quietLog()
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// TLS explanations name the real cause for a certificate with only a
// Common Name, a SHA-1 signed chain and a server offering only TLS 1.0/1.1,
// at the URL prompt, in the registration, and in diagnose.
func TestTLSExplanationsNameTheRealCause(t *testing.T) {
	ca := newTestCA(t)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, ca.PEM, 0o644); err != nil {
		t.Fatal(err)
	}
	good := ca.Leaf(t, []string{"localhost"}, []net.IP{net.IPv4(127, 0, 0, 1)}, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	cases := []struct {
		name       string
		cfg        *tls.Config
		want, diag string
	}{
		{"common name only", &tls.Config{Certificates: []tls.Certificate{ca.LeafFrom(t, &x509.Certificate{Subject: pkix.Name{CommonName: "localhost"}})}},
			"only in the Common Name (CN=localhost)", "only in the Common Name (CN=localhost)"},
		{"SHA-1 signature", &tls.Config{Certificates: []tls.Certificate{ca.LeafFrom(t, &x509.Certificate{DNSNames: []string{"localhost"}, SignatureAlgorithm: x509.ECDSAWithSHA1})}},
			"signed with SHA-1", "signed with SHA-1"},
		{"TLS 1.1 only", &tls.Config{Certificates: []tls.Certificate{good}, MaxVersion: tls.VersionTLS11},
			"offers only TLS 1.0 or 1.1", "offers only TLS 1.0 or 1.1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fw := newFaultWorld(t, func(o *tenantapi.Options) { o.CACertFile = caFile })
			fw.Env.CACertFile = caFile
			srv := tlsServer(t, fw, tc.cfg)
			url := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
			if err := steps.VerifyTenantURL(context.Background(), fw.Env, url); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Verify: %v, want %q", err, tc.want)
			}
			fw.reg = fw.registrationFor(t, url)
			out := fw.reg.PollOnce(context.Background(), 0, 0)
			if out.Fatal == nil || !strings.Contains(out.Fatal.Error(), tc.want) {
				t.Errorf("PollOnce: fatal %v, retrying %v; want fatal %q", out.Fatal, out.Retrying, tc.want)
			}
			checks := diagnose.Diagnose(context.Background(), fw.Env, url, nil)
			var c diagnose.Check
			for _, ch := range checks {
				if ch.Name == diagnose.DiagTLS {
					c = ch
				}
			}
			if c.Status != diagnose.CheckFail || !strings.Contains(c.Detail, tc.diag) {
				t.Errorf("diagnose TLS = %v %q (fix %q), want %q", c.Status, c.Detail, c.Fix, tc.diag)
			}
		})
	}
}

// A registered Edge whose tenant fails TLS stops at once with the TLS
// explanation, instead of retrying for ever and then advising to register.
func TestRegisteredEdgeStopsAtOnceWhenTLSFails(t *testing.T) {
	fw := newFaultWorld(t, nil)
	srv := tlsServer(t, fw, &tls.Config{Certificates: []tls.Certificate{newTestCA(t).Leaf(t, nil, []net.IP{net.IPv4(127, 0, 0, 1)}, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))}})
	fw.reg = fw.registrationFor(t, srv.URL)
	if err := fw.Env.Props.SaveCredentials(edgeprops.Credentials{Tenant: stepstest.TenantID, Username: "device_x", Password: "device-pass-1", URL: srv.URL}); err != nil {
		t.Fatal(err)
	}
	run := fw.runWait(t, func(*faultWorld, *waitRun, int) {})
	if run.err == nil || !strings.Contains(run.err.Error(), "does not trust") || len(run.sleeps) != 0 {
		t.Fatalf("Wait: %v after %d sleeps; want the TLS explanation at once", run.err, len(run.sleeps))
	}
}

// A signal stops a step between two sub-steps: the next one does not
// start, and Apply does not start the next option.
func TestInterruptStopsBetweenSubSteps(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var ran []string
	tr := steps.NewTrackerContext(ctx, nil)
	_ = tr.Do("first", func() (string, error) { ran = append(ran, "first"); cancel(); return "", nil })
	err := tr.Do("second", func() (string, error) { ran = append(ran, "second"); return "", nil })
	if !errors.Is(err, steps.ErrInterrupted) || !errors.Is(err, context.Canceled) || len(ran) != 1 {
		t.Fatalf("after cancel: %v, ran %v", err, ran)
	}
}

// The action log replaces secrets before it quotes (a password with a quote
// or backslash was logged in clear) and escapes control and bidi characters.
func TestActionLogRedactsBeforeQuotingAndEscapesOutsideText(t *testing.T) {
	w := stepstest.New(t)
	log := steps.NewActionLog(w.Env)
	secret := `pa"ss\word`
	log.Redact(secret)
	log.Record(7, "Check", "failed", "the tenant said \x1b]0;pwned\x07 for "+secret+" \u202egnp.exe")
	data, err := os.ReadFile(log.Path())
	if err != nil {
		t.Fatal(err)
	}
	got := string(data)
	for _, bad := range []string{"\x1b", "\x07", "\u202e", "pa\\\"ss", "word"} {
		if strings.Contains(got, bad) {
			t.Errorf("log line %q holds %q", got, bad)
		}
	}
	if !strings.Contains(got, "****") || !strings.Contains(got, `\x1b]0;pwned`) {
		t.Errorf("log line %q: want the secret replaced and the escape shown", got)
	}
}

// A FIFO or /dev/zero in place of a file the tool reads gives a clear
// error at once and never blocks: agent properties, a parameter file of
// options 1-3, a secret file of an answers file.
func TestFIFOAndDevZeroInPlaceOfAFileNeverBlock(t *testing.T) {
	w := stepstest.New(t)
	fifo := filepath.Join(w.Env.Root, "root", "params")
	if err := os.MkdirAll(filepath.Dir(fifo), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	agent := w.Env.Props.Path(edgeprops.AgentPropsFile)
	_ = os.Remove(agent)
	if err := os.MkdirAll(filepath.Dir(agent), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(agent, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := w.Env.Props.LoadAgentConfig(); !errors.Is(err, edgeprops.ErrNotRegular) || !strings.Contains(err.Error(), "named pipe") {
			t.Errorf("agent properties as a FIFO: %v", err)
		}
		next, err := options.Network{}.NextPrompt(w.Env, steps.Answers{system.KeyInputMode: system.InputFile})
		if err != nil || next.Key != system.KeyInputFile {
			t.Errorf("NextPrompt: %+v, %v", next, err)
			return
		}
		if _, err := next.Check("/root/params"); err == nil || !strings.Contains(err.Error(), "named pipe") {
			t.Errorf("parameter file as a FIFO: %v", err)
		}
	}()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("a read blocked on a FIFO")
	}
}
