package diagnose_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/diagnose"
	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/tenantapi"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim/simnet"
)

func TestDiagnosePlainLoopbackTenant(t *testing.T) {
	w := stepstest.New(t)
	var events []steps.Event
	var mu sync.Mutex
	checks := diagnose.Diagnose(t.Context(), w.Env, "", func(e steps.Event) {
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
	})
	// stepstest configures no tenant URL: the default is the configured one.
	wantCheck(t, checks, diagnose.DiagURL, diagnose.CheckFail, "no tenant URL is configured", "option 7")
	for _, c := range checks[1:] {
		if c.Status != diagnose.CheckSkipped {
			t.Errorf("%s ran without a URL: %+v", c.Name, c)
		}
	}

	cfg, _ := w.Env.Props.LoadAgentConfig()
	cfg.URL, cfg.RemoteManagement = w.URL, true
	if err := w.Env.Props.SaveAgentConfig(cfg); err != nil {
		t.Fatal(err)
	}
	events = nil
	checks = diagnose.Diagnose(t.Context(), w.Env, "", func(e steps.Event) {
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
	})
	wantCheck(t, checks, diagnose.DiagURL, diagnose.CheckOK, w.URL+" (the configured tenant)", "")
	wantCheck(t, checks, diagnose.DiagProxy, diagnose.CheckOK, "none: HTTP_PROXY is not set", "")
	wantCheck(t, checks, diagnose.DiagDNS, diagnose.CheckOK, "127.0.0.1 is an IP address", "")
	wantCheck(t, checks, diagnose.DiagTCP, diagnose.CheckOK, "connected to "+strings.TrimPrefix(w.URL, "http://"), "")
	wantCheck(t, checks, diagnose.DiagTLS, diagnose.CheckSkipped, "http:// to 127.0.0.1, on this machine", "")
	wantCheck(t, checks, diagnose.DiagHTTP, diagnose.CheckOK, "answered like a Cumulocity tenant", "")
	wantCheck(t, checks, diagnose.DiagClock, diagnose.CheckOK, "agrees with the tenant's", "")
	if diagnose.ChecksFailed(checks) {
		t.Error("ChecksFailed on a healthy tenant")
	}
	if _, ok := findCheck(checks, diagnose.DiagTunnel); ok {
		t.Error("a proxy tunnel check without a proxy")
	}
	// Events: started then a result per check (skipped ones only the result).
	var names []string
	for _, e := range events {
		if e.Kind == steps.SubStepStarted {
			names = append(names, e.Name)
		}
	}
	if got := strings.Join(names, ","); got != "Tenant URL,Proxy,DNS,TCP,HTTP,Clock,TLS" && got != "Tenant URL,Proxy,DNS,TCP,TLS,HTTP,Clock" {
		t.Errorf("started events: %s", got)
	}
	if n := diagCountKind(events, steps.SubStepSkipped); n != 1 {
		t.Errorf("%d skipped events, wantCheck 1 (TLS)", n)
	}
}

func TestDiagnoseTrustedTLSTenantWithCACert(t *testing.T) {
	ca := newDiagCA(t)
	now := time.Now()
	srv := diagTLSTenant(t, ca.Leaf(t, nil, diagLoopback, now.Add(-time.Hour), now.Add(90*24*time.Hour)), 0)
	env := diagEnv(t, nil, ca.File(t), nil)
	checks := diagnose.Diagnose(t.Context(), env, srv.URL, nil)
	wantCheck(t, checks, diagnose.DiagURL, diagnose.CheckOK, srv.URL+" (given)", "")
	wantCheck(t, checks, diagnose.DiagTLS, diagnose.CheckOK, `certificate for 127.0.0.1 issued by "edge-setup diagnose CA" (ACME Test), valid until`, "")
	wantCheck(t, checks, diagnose.DiagHTTP, diagnose.CheckOK, "Cumulocity tenant", "")
	wantCheck(t, checks, diagnose.DiagClock, diagnose.CheckOK, "agrees", "")
	if diagnose.ChecksFailed(checks) {
		t.Errorf("failed: %+v", checks)
	}

	// Without --ca-cert the same tenant is not trusted.
	checks = diagnose.Diagnose(t.Context(), diagEnv(t, nil, "", nil), srv.URL, nil)
	wantCheck(t, checks, diagnose.DiagTLS, diagnose.CheckFail, `this machine does not trust "edge-setup diagnose CA"`, "--ca-cert FILE")
}

func TestDiagnoseCertificateProblems(t *testing.T) {
	ca := newDiagCA(t)
	now := time.Now()
	unknown := httptest.NewUnstartedServer(tenantsim.New(tenantsim.Options{}))
	unknown.Config.ErrorLog = log.New(io.Discard, "", 0)
	unknown.StartTLS()
	t.Cleanup(unknown.Close)

	tests := []struct {
		name, url, detail, fix string
		status                 diagnose.CheckStatus
	}{
		{name: "self-signed, unknown CA", url: unknown.URL, status: diagnose.CheckFail,
			detail: `this machine does not trust "Acme Co"`, fix: "pass the CA certificate (PEM) with --ca-cert FILE"},
		{name: "expired", url: diagTLSTenant(t, ca.Leaf(t, nil, diagLoopback, now.Add(-48*time.Hour), now.Add(-24*time.Hour)), 0).URL,
			status: diagnose.CheckFail, detail: "the certificate expired on", fix: "if this machine's clock is wrong"},
		{name: "not yet valid", url: diagTLSTenant(t, ca.Leaf(t, nil, diagLoopback, now.Add(24*time.Hour), now.Add(48*time.Hour)), 0).URL,
			status: diagnose.CheckFail, detail: "the certificate is valid only from", fix: "see the Clock check"},
		{name: "wrong host name", url: diagTLSTenant(t, ca.Leaf(t, []string{"tenant.example.com"}, nil, now.Add(-time.Hour), now.Add(90*24*time.Hour)), 0).URL,
			status: diagnose.CheckFail, detail: "the certificate is for tenant.example.com, not for 127.0.0.1", fix: "have the certificate reissued for 127.0.0.1"},
		{name: "expires soon", url: diagTLSTenant(t, ca.Leaf(t, nil, diagLoopback, now.Add(-time.Hour), now.Add(3*24*time.Hour)), 0).URL,
			status: diagnose.CheckWarn, detail: "expires soon", fix: "renew the tenant's certificate"},
	}
	caFile := ca.File(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checks := diagnose.Diagnose(t.Context(), diagEnv(t, nil, caFile, nil), tc.url, nil)
			wantCheck(t, checks, diagnose.DiagTLS, tc.status, tc.detail, tc.fix)
			if tc.status == diagnose.CheckFail {
				wantCheck(t, checks, diagnose.DiagHTTP, diagnose.CheckSkipped, "the TLS check failed", "")
				// The clock is still read: it is a common reason for refused certificates.
				wantCheck(t, checks, diagnose.DiagClock, diagnose.CheckOK, "agrees", "")
				if !diagnose.ChecksFailed(checks) {
					t.Error("ChecksFailed is false")
				}
			} else {
				wantCheck(t, checks, diagnose.DiagHTTP, diagnose.CheckOK, "", "")
			}
		})
	}
}

func TestDiagnoseClockSkew(t *testing.T) {
	ca := newDiagCA(t)
	now := time.Now()
	cert := ca.Leaf(t, nil, diagLoopback, now.Add(-time.Hour), now.Add(90*24*time.Hour))
	caFile := ca.File(t)
	tests := []struct {
		skew   time.Duration
		status diagnose.CheckStatus
		detail string
	}{
		{0, diagnose.CheckOK, "agrees with the tenant's"},
		{-2 * time.Minute, diagnose.CheckWarn, "ahead of the tenant's"},
		{10 * time.Minute, diagnose.CheckFail, "behind the tenant's"},
	}
	for _, tc := range tests {
		t.Run(tc.skew.String(), func(t *testing.T) {
			srv := diagTLSTenant(t, cert, tc.skew)
			checks := diagnose.Diagnose(t.Context(), diagEnv(t, nil, caFile, nil), srv.URL, nil)
			fix := ""
			if tc.status != diagnose.CheckOK {
				fix = "timedatectl set-ntp true"
			}
			c := wantCheck(t, checks, diagnose.DiagClock, tc.status, tc.detail, fix)
			// Allow a second for the request's own duration.
			abs := tc.skew.Abs()
			if tc.skew != 0 && !strings.Contains(c.Detail, "is "+abs.String()) && !strings.Contains(c.Detail, "is "+(abs+time.Second).String()) && !strings.Contains(c.Detail, "is "+(abs-time.Second).String()) {
				t.Errorf("detail %q does not give the difference %s", c.Detail, tc.skew.Abs())
			}
		})
	}
}

func TestDiagnoseUnknownHostNeverAsksTheRealDNS(t *testing.T) {
	env := diagEnv(t, nil, "", nil)
	d := diagnose.Diagnostics{Resolver: diagNXDOMAIN(t), Timeout: 5 * time.Second}
	checks := d.Run(t.Context(), env, "https://tenant.edge-setup.invalid", nil)
	wantCheck(t, checks, diagnose.DiagDNS, diagnose.CheckFail, "the DNS server says tenant.edge-setup.invalid does not exist", "check the spelling of the tenant URL")
	for _, n := range []string{diagnose.DiagTCP, diagnose.DiagTLS, diagnose.DiagHTTP, diagnose.DiagClock} {
		wantCheck(t, checks, n, diagnose.CheckSkipped, "not run: the DNS check failed", "")
	}
}

func TestDiagnoseRefusedPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	checks := diagnose.Diagnose(t.Context(), diagEnv(t, nil, "", nil), "https://"+addr, nil)
	wantCheck(t, checks, diagnose.DiagTCP, diagnose.CheckFail, addr+" refused the connection", "check the port in the tenant URL")
	wantCheck(t, checks, diagnose.DiagTLS, diagnose.CheckSkipped, "not run: the TCP check failed", "")
}

func TestDiagnosePlainHTTPOnTheTLSPort(t *testing.T) {
	w := stepstest.New(t)
	checks := diagnose.Diagnose(t.Context(), diagEnv(t, nil, "", nil), strings.Replace(w.URL, "http:", "https:", 1), nil)
	wantCheck(t, checks, diagnose.DiagTLS, diagnose.CheckFail, "does not speak TLS", "https:// versus http://")
}

func TestDiagnoseThroughAProxy(t *testing.T) {
	ca := newDiagCA(t)
	now := time.Now()
	const host = "tenant.edge-setup.test"
	srv := diagTLSTenant(t, ca.Leaf(t, []string{host}, nil, now.Add(-time.Hour), now.Add(90*24*time.Hour)), 0)
	caFile := ca.File(t)
	backend := strings.TrimPrefix(srv.URL, "https://")

	t.Run("tunnel", func(t *testing.T) {
		p := diagConnectProxy(t, backend, "")
		env := diagEnv(t, map[string]string{"HTTPS_PROXY": p}, caFile, diagURL(t, p))
		checks := diagnose.Diagnose(t.Context(), env, "https://"+host, nil)
		wantCheck(t, checks, diagnose.DiagProxy, diagnose.CheckOK, p+" (from HTTPS_PROXY) for "+host, "")
		wantCheck(t, checks, diagnose.DiagDNS, diagnose.CheckOK, "(the proxy) is an IP address", "")
		wantCheck(t, checks, diagnose.DiagTCP, diagnose.CheckOK, "(the proxy)", "")
		wantCheck(t, checks, diagnose.DiagTunnel, diagnose.CheckOK, "the proxy opened a tunnel to "+host+":443", "")
		wantCheck(t, checks, diagnose.DiagTLS, diagnose.CheckOK, "certificate for "+host, "")
		wantCheck(t, checks, diagnose.DiagHTTP, diagnose.CheckOK, "", "")
		wantCheck(t, checks, diagnose.DiagClock, diagnose.CheckOK, "", "")
	})
	t.Run("proxy wants a login", func(t *testing.T) {
		p := diagConnectProxy(t, backend, "user:s3cret")
		env := diagEnv(t, map[string]string{"https_proxy": p}, caFile, nil)
		checks := diagnose.Diagnose(t.Context(), env, "https://"+host, nil)
		wantCheck(t, checks, diagnose.DiagTunnel, diagnose.CheckFail, "407", "put them in https_proxy: http://user:password@")

		wrong := strings.Replace(p, "http://", "http://user:wrong-pw@", 1)
		env = diagEnv(t, map[string]string{"HTTPS_PROXY": wrong}, caFile, nil)
		checks = diagnose.Diagnose(t.Context(), env, "https://"+host, nil)
		wantCheck(t, checks, diagnose.DiagProxy, diagnose.CheckOK, "http://user:xxxxx@", "")
		wantCheck(t, checks, diagnose.DiagTunnel, diagnose.CheckFail, "it refused the user and password in HTTPS_PROXY", "correct the user and password")
		diagNoSecret(t, checks, "wrong-pw")

		right := strings.Replace(p, "http://", "http://user:s3cret@", 1)
		env = diagEnv(t, map[string]string{"HTTPS_PROXY": right}, caFile, diagURL(t, right))
		checks = diagnose.Diagnose(t.Context(), env, "https://"+host, nil)
		wantCheck(t, checks, diagnose.DiagTunnel, diagnose.CheckOK, "", "")
		wantCheck(t, checks, diagnose.DiagHTTP, diagnose.CheckOK, "", "")
		diagNoSecret(t, checks, "s3cret")
	})
	t.Run("NO_PROXY", func(t *testing.T) {
		env := diagEnv(t, map[string]string{"HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": ".edge-setup.test"}, caFile, nil)
		d := diagnose.Diagnostics{Resolver: diagNXDOMAIN(t)}
		checks := d.Run(t.Context(), env, "https://"+host, nil)
		wantCheck(t, checks, diagnose.DiagProxy, diagnose.CheckOK, "none: NO_PROXY (.edge-setup.test) excludes "+host, "")
		wantCheck(t, checks, diagnose.DiagDNS, diagnose.CheckFail, host+" does not exist", "")
	})
	t.Run("loopback is never proxied", func(t *testing.T) {
		env := diagEnv(t, map[string]string{"HTTPS_PROXY": "http://127.0.0.1:9"}, caFile, nil)
		checks := diagnose.Diagnose(t.Context(), env, "https://127.0.0.1:1", nil)
		wantCheck(t, checks, diagnose.DiagProxy, diagnose.CheckOK, "is on this machine and never goes through a proxy", "")
	})
	t.Run("bad proxy setting", func(t *testing.T) {
		env := diagEnv(t, map[string]string{"HTTPS_PROXY": "http://us er:pw@[bad"}, caFile, nil)
		checks := diagnose.Diagnose(t.Context(), env, "https://"+host, nil)
		wantCheck(t, checks, diagnose.DiagProxy, diagnose.CheckFail, "HTTPS_PROXY is set, but not to a proxy URL", "http://proxy.example.com:3128")
		diagNoSecret(t, checks, "pw@")
	})
}

func TestDiagnoseStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	checks := diagnose.Diagnose(ctx, diagEnv(t, nil, "", nil), "https://127.0.0.1:1", nil)
	for _, c := range checks {
		if c.Status != diagnose.CheckSkipped {
			t.Errorf("%s ran after cancel: %+v", c.Name, c)
		}
	}
}

func TestCheckJSON(t *testing.T) {
	b, err := json.Marshal([]diagnose.Check{{Name: "DNS", Status: diagnose.CheckFail, Detail: "d", Fix: "f"}, {Name: "TCP", Status: diagnose.CheckOK, Detail: "x"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(b); got != `[{"name":"DNS","status":"fail","detail":"d","fix":"f"},{"name":"TCP","status":"ok","detail":"x"}]` {
		t.Errorf("JSON: %s", got)
	}
}

// --- helpers ---

// wantCheck finds the named check and compares it; it also holds every failure
// to the house rule: say what to do.
func wantCheck(t *testing.T, checks []diagnose.Check, name string, status diagnose.CheckStatus, detail, fix string) diagnose.Check {
	t.Helper()
	c, ok := findCheck(checks, name)
	if !ok {
		t.Fatalf("no %s check in %+v", name, checks)
	}
	if c.Status != status || !strings.Contains(c.Detail, detail) || !strings.Contains(c.Fix, fix) {
		t.Errorf("%s = %s %q fix %q; wantCheck %s with %q, fix with %q", name, c.Status, c.Detail, c.Fix, status, detail, fix)
	}
	for _, c := range checks {
		if (c.Status == diagnose.CheckFail || c.Status == diagnose.CheckWarn) && c.Fix == "" {
			t.Errorf("%s is %s without a fix: %q", c.Name, c.Status, c.Detail)
		}
		if strings.Contains(c.Detail+c.Fix, "\n") {
			t.Errorf("%s has more than one line: %q / %q", c.Name, c.Detail, c.Fix)
		}
	}
	return c
}

func findCheck(checks []diagnose.Check, name string) (diagnose.Check, bool) {
	for _, c := range checks {
		if c.Name == name {
			return c, true
		}
	}
	return diagnose.Check{}, false
}

func diagNoSecret(t *testing.T, checks []diagnose.Check, secret string) {
	t.Helper()
	for _, c := range checks {
		if strings.Contains(c.Detail+c.Fix, secret) {
			t.Errorf("%s shows a secret: %q / %q", c.Name, c.Detail, c.Fix)
		}
	}
}

func diagCountKind(events []steps.Event, k steps.EventKind) int {
	n := 0
	for _, e := range events {
		if e.Kind == k {
			n++
		}
	}
	return n
}

func diagURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// diagEnv is an environment with the given variables; its tenant client
// trusts caFile and goes through proxy (nil: direct), as main would wire it.
func diagEnv(t *testing.T, vars map[string]string, caFile string, proxy *url.URL) *steps.Env {
	t.Helper()
	root := t.TempDir()
	return &steps.Env{
		Root:       root,
		Props:      edgeprops.New(root),
		Getenv:     func(k string) string { return vars[k] },
		Now:        time.Now,
		Version:    "test",
		CACertFile: caFile,
		NewClient: func(baseURL string) (*tenantapi.Client, error) {
			tr := &http.Transport{}
			if proxy != nil {
				tr.Proxy = http.ProxyURL(proxy)
			}
			t.Cleanup(tr.CloseIdleConnections)
			return tenantapi.New(tenantapi.Options{BaseURL: baseURL, CACertFile: caFile, Transport: tr, Timeout: 5 * time.Second})
		},
	}
}

var diagLoopback = []net.IP{net.ParseIP("127.0.0.1")}

// diagTLSTenant serves a simulated tenant over TLS with cert; its Date header
// is shifted by skew (positive: the tenant is ahead).
func diagTLSTenant(t *testing.T, cert tls.Certificate, skew time.Duration) *httptest.Server {
	t.Helper()
	sim := tenantsim.New(tenantsim.Options{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if skew != 0 {
			w.Header().Set("Date", time.Now().Add(skew).UTC().Format(http.TimeFormat))
		}
		sim.ServeHTTP(w, r)
	})
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// diagNXDOMAIN is a resolver whose loopback DNS server knows no names.
func diagNXDOMAIN(t *testing.T) *net.Resolver { return simnet.Resolver(simnet.NXDOMAINServer(t)) }

// diagConnectProxy is an HTTP proxy on the loopback that tunnels every CONNECT
// to backend; with auth ("user:password") it wants that Basic login.
func diagConnectProxy(t *testing.T, backend, auth string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	track := func(c net.Conn) {
		mu.Lock()
		conns = append(conns, c)
		mu.Unlock()
	}
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			track(c)
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				br := bufio.NewReader(c)
				req, err := http.ReadRequest(br)
				if err != nil || req.Method != http.MethodConnect {
					io.WriteString(c, "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
					return
				}
				if auth != "" && req.Header.Get("Proxy-Authorization") != "Basic "+base64.StdEncoding.EncodeToString([]byte(auth)) {
					io.WriteString(c, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n")
					return
				}
				up, err := net.Dial("tcp", backend)
				if err != nil {
					io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
					return
				}
				track(up)
				defer up.Close()
				io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
				done := make(chan struct{}, 2)
				go func() { io.Copy(up, br); up.Close(); done <- struct{}{} }()
				go func() { io.Copy(c, up); c.Close(); done <- struct{}{} }()
				<-done
				<-done
			}()
		}
	}()
	return "http://" + l.Addr().String()
}

// newDiagCA is a throw-away certificate authority (simnet).
func newDiagCA(t *testing.T) *simnet.CA {
	return simnet.NewCA(t, pkix.Name{CommonName: "edge-setup diagnose CA", Organization: []string{"ACME Test"}})
}

// The clock check handles a clock centuries off without overflowing (a
// time.Duration holds 292 years) and shows both dates when days apart.
func TestDiagnoseClockCenturiesOff(t *testing.T) {
	ca := newDiagCA(t)
	cert := ca.Leaf(t, nil, diagLoopback, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	srv := diagTLSTenant(t, cert, 0)
	for _, years := range []int{300, -300, 3} {
		env := diagEnv(t, nil, ca.File(t), nil)
		env.Now = func() time.Time { return time.Now().AddDate(years, 0, 0) }
		checks := diagnose.Diagnose(t.Context(), env, srv.URL, nil)
		c := wantCheck(t, checks, diagnose.DiagClock, diagnose.CheckFail, "", "timedatectl")
		t.Logf("%d years: %s", years, c.Detail)
		dir := "ahead of"
		if years < 0 {
			dir = "behind"
		}
		if !strings.Contains(c.Detail, dir) || !strings.Contains(c.Detail, "days") || strings.Count(c.Detail, time.Now().UTC().Format("2006-01-02")) != 1 {
			t.Errorf("%d years: %q, want %s, the days and both dates", years, c.Detail, dir)
		}
		if years >= 2 || years <= -2 {
			if !strings.Contains(c.Detail, "years") {
				t.Errorf("%d years: %q, want the years", years, c.Detail)
			}
		}
	}
}
