package tenantapi

import (
	"context"
	"crypto/tls"
	"errors"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim/simnet"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

func simHandler() http.Handler {
	return tenantsim.New(tenantsim.Options{BootstrapPassword: bootPW})
}

// tlsServer serves the sim with the given certificate on loopback.
func tlsServer(t *testing.T, cert *tls.Certificate) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(simHandler())
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if cert != nil {
		srv.TLS = &tls.Config{Certificates: []tls.Certificate{*cert}}
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// fakeDNS answers every query on loopback with NXDOMAIN.
func fakeDNS(t *testing.T) string { return simnet.NXDOMAINServer(t) }

func TestExplainNetworkAndTLS(t *testing.T) {
	ca := newTestCA(t)
	loop := []net.IP{net.ParseIP("127.0.0.1")}
	now := time.Now()

	refused := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return "http://" + addr
	}()
	dnsAddr := fakeDNS(t)
	resolver := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", dnsAddr)
	}}
	dnsTransport := &http.Transport{DialContext: (&net.Dialer{Resolver: resolver}).DialContext}
	defer dnsTransport.CloseIdleConnections()

	plain := quietServer(t, simHandler())
	unknownCA := tlsServer(t, nil)
	wrongHostCert := ca.Leaf(t, []string{"tenant.example.com"}, nil, now.Add(-time.Hour), now.Add(time.Hour))
	wrongHost := tlsServer(t, &wrongHostCert)
	expiredCert := ca.Leaf(t, nil, loop, now.Add(-48*time.Hour), now.Add(-24*time.Hour))
	expired := tlsServer(t, &expiredCert)

	tests := []struct {
		name  string
		o     Options
		want  string
		retry bool
		check func(error) bool
	}{
		{name: "dns", o: Options{BaseURL: "https://tenant.edge-setup.invalid", Transport: dnsTransport},
			want: "host tenant.edge-setup.invalid not found: check the spelling of the URL and the DNS server",
			check: func(err error) bool {
				var d *net.DNSError
				return errors.As(err, &d) && d.IsNotFound
			}},
		{name: "refused", o: Options{BaseURL: refused}, want: "refused the connection", retry: true},
		{name: "unknown CA", o: Options{BaseURL: unknownCA.URL}, want: "pass --ca-cert FILE"},
		{name: "wrong host", o: Options{BaseURL: wrongHost.URL, CACertFile: ca.File(t)}, want: "certificate is for tenant.example.com, not for 127.0.0.1"},
		{name: "expired", o: Options{BaseURL: expired.URL, CACertFile: ca.File(t)}, want: "check this machine's clock"},
		{name: "https to plain http", o: Options{BaseURL: strings.Replace(plain.URL, "http:", "https:", 1)}, want: "does not speak TLS"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.o)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			err = c.LoginOptions(t.Context())
			if err == nil {
				t.Fatal("no error")
			}
			if tc.check != nil && !tc.check(err) {
				t.Fatalf("wrong error class: %v", err)
			}
			ex := Explain(err)
			t.Logf("%s -> %s", tc.name, ex)
			if !strings.Contains(ex, tc.want) {
				t.Fatalf("Explain = %q, want %q (err %v)", ex, tc.want, err)
			}
			assertOperatorText(t, ex)
			if retry, _ := Retryable(err); retry != tc.retry {
				t.Fatalf("Retryable = %v", retry)
			}
		})
	}
}

func TestCACertFileTrustsTheTenant(t *testing.T) {
	srv := tlsServer(t, nil)
	c, err := New(Options{BaseURL: srv.URL, CACertFile: writePEM(t, srv.Certificate().Raw)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.LoginOptions(t.Context()); err != nil {
		t.Fatalf("%v: %s", err, Explain(err))
	}
	bad := filepath.Join(t.TempDir(), "bad.pem")
	_ = os.WriteFile(bad, []byte("not a certificate"), 0o600)
	if _, err := New(Options{BaseURL: srv.URL, CACertFile: bad}); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Fatalf("bad PEM: %v", err)
	}
}

func TestLoginOptionsRecognisesTenants(t *testing.T) {
	html := func(status int) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, "<html><body>Welcome to nginx!</body></html>")
		})
	}
	tests := []struct {
		name    string
		h       http.Handler
		notC8y  bool
		status  int
		explain string
	}{
		{name: "tenant", h: simHandler()},
		{name: "html 200", h: html(200), notC8y: true, explain: "not answer like a Cumulocity tenant"},
		{name: "html 404", h: html(404), notC8y: true, explain: "404 Not Found with text/html"},
		{name: "json without options", notC8y: true, explain: "no login options", h: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"hello":"world"}`)
		})},
		{name: "redirect", notC8y: true, explain: "redirects to https://elsewhere.example/", h: http.RedirectHandler("https://elsewhere.example/", http.StatusMovedPermanently)},
		{name: "tenant in trouble", h: html(503), status: 503, explain: "try again"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := quietServer(t, tc.h)
			c, err := New(Options{BaseURL: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			err = c.LoginOptions(t.Context())
			if errors.Is(err, ErrNotCumulocity) != tc.notC8y || errStatus(err) != tc.status {
				t.Fatalf("err %v", err)
			}
			if tc.explain != "" {
				ex := Explain(err)
				t.Logf("%s -> %s", tc.name, ex)
				if !strings.Contains(ex, tc.explain) {
					t.Fatalf("Explain = %q", ex)
				}
				assertOperatorText(t, ex)
			}
		})
	}
}

func TestHealth(t *testing.T) {
	srv := quietServer(t, simHandler())
	c, _ := New(Options{BaseURL: srv.URL})
	defer c.Close()
	if st, err := c.Health(t.Context()); err != nil || st != "UP" {
		t.Fatalf("%q %v", st, err)
	}
}

func TestExplainStatuses(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&Error{StatusCode: 401, Path: "/user/currentUser", Message: "Invalid credentials!"}, "user name or password is wrong"},
		{&Error{StatusCode: 403, Method: "POST", Path: "/devicecontrol/newDeviceRequests"}, "ROLE_DEVICE_CONTROL_ADMIN"},
		{&Error{StatusCode: 403, Method: "POST", Path: "/inventory/managedObjects"}, "ROLE_INVENTORY_ADMIN"},
		{&Error{StatusCode: 404, Method: "GET", Path: "/inventory/managedObjects/1"}, "does not exist"},
		{&Error{StatusCode: 404, Path: "/devicecontrol/deviceCredentials", notYetAccepted: true}, "accept it in Device management"},
		{&Error{StatusCode: 409}, "already exists"},
		{&Error{StatusCode: 422, Message: "Password must have at least 8 and at most 32 characters."}, "at least 8"},
		{&Error{StatusCode: 429}, "wait a little"},
		{&Error{StatusCode: 503}, "try again in a minute"},
		{&Error{StatusCode: 302, Location: "https://t1.example/"}, "use that address"},
		{context.Canceled, "cancelled"},
		{errors.New("something odd"), "something odd"},
	}
	for _, tc := range tests {
		ex := Explain(tc.err)
		if !strings.Contains(ex, tc.want) {
			t.Errorf("Explain(%v) = %q, want %q", tc.err, ex, tc.want)
		}
		assertOperatorText(t, ex)
	}
	if Explain(nil) != "" {
		t.Fatal("Explain(nil)")
	}
}
