package remoteaccess

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/tenantapi"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

func (w *world) prove(cfgID string, keys ...ssh.PublicKey) (*Proof, error) {
	return Prove(context.Background(), ProveOptions{Client: w.client, User: w.admin, MOID: w.moID, ConfigID: cfgID, HostKeys: keys, Timeout: 10 * time.Second})
}

func brokenLink(t *testing.T, err error) string {
	t.Helper()
	var b *Broken
	if !errors.As(err, &b) {
		t.Fatalf("want a named broken link, have %v", err)
	}
	return b.Link
}

func TestProofReachesThisEdgesSSHServer(t *testing.T) {
	w := newWorld(t, 5*time.Second)
	addr, key := testSSHD(t)
	cfg := w.passthrough(addr)
	w.relay(nil)
	p, err := w.prove(cfg, key.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	if p.Banner != "SSH-2.0-TestSSHD_1.0" || p.HostKey != Fingerprint(key.PublicKey()) || p.Attached <= 0 || p.Total < p.Attached {
		t.Fatalf("proof %+v", p)
	}
	if s := p.Summary(); !strings.HasPrefix(s, "SSH through the tenant works: reached SSH-2.0-TestSSHD_1.0 of this Edge in ") || !strings.Contains(s, "device attached after") {
		t.Fatalf("summary %q", s)
	}
}

func TestProofNamesEveryBrokenLink(t *testing.T) {
	t.Run("wrong host key", func(t *testing.T) {
		w := newWorld(t, 5*time.Second)
		addr, _ := testSSHD(t)
		_, other := testSSHD(t) // the key this Edge says it has
		cfg := w.passthrough(addr)
		w.relay(nil)
		_, err := w.prove(cfg, other.PublicKey())
		if brokenLink(t, err) != LinkWrongHostKey || !strings.Contains(err.Error(), Fingerprint(other.PublicKey())) {
			t.Fatal(err)
		}
	})
	t.Run("sshd down", func(t *testing.T) {
		w := newWorld(t, 5*time.Second)
		_, key := testSSHD(t)
		cfg := w.passthrough(closedPort(t))
		w.relay(nil)
		_, err := w.prove(cfg, key.PublicKey())
		if brokenLink(t, err) != LinkSSHDown || !strings.Contains(err.Error(), "connection refused") {
			t.Fatal(err)
		}
	})
	t.Run("relay not running", func(t *testing.T) {
		w := newWorld(t, 300*time.Millisecond)
		addr, key := testSSHD(t)
		cfg := w.passthrough(addr)
		_, err := w.prove(cfg, key.PublicKey())
		if brokenLink(t, err) != LinkRelayDown || !strings.Contains(err.Error(), "never left PENDING") {
			t.Fatal(err)
		}
		// With the Edge's root known: installed but silent, or not installed.
		root := t.TempDir()
		o := ProveOptions{Client: w.client, User: w.admin, MOID: w.moID, ConfigID: cfg, HostKeys: []ssh.PublicKey{key.PublicKey()}, Timeout: 10 * time.Second, Root: root}
		if _, err := Prove(context.Background(), o); brokenLink(t, err) != LinkRelayMissing {
			t.Fatalf("no unit under the root: %v", err)
		}
		if err := edgeprops.New(root).WriteFile(filepath.Join(root, RelayUnitFile), []byte(RelayUnit), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Prove(context.Background(), o); brokenLink(t, err) != LinkRelayDown || !strings.Contains(err.Error(), "systemctl start edge-setup-remote-access") {
			t.Fatalf("the unit installed: %v", err)
		}
	})
	t.Run("role missing", func(t *testing.T) {
		w := newWorld(t, time.Second)
		addr, key := testSSHD(t)
		cfg := w.passthrough(addr)
		w.sim.SetUserRoles(testAdmin, []string{tenantsim.RoleDeviceControlAdmin})
		_, err := w.prove(cfg, key.PublicKey())
		if brokenLink(t, err) != LinkRoleMissing || !strings.Contains(err.Error(), "ROLE_REMOTE_ACCESS_ADMIN") {
			t.Fatal(err)
		}
	})
	t.Run("service not subscribed", func(t *testing.T) {
		w := newWorld(t, time.Second)
		addr, key := testSSHD(t)
		cfg := w.passthrough(addr)
		w.sim.SetRemoteAccessSubscribed(false)
		_, err := w.prove(cfg, key.PublicKey())
		if brokenLink(t, err) != LinkNotSubscribed {
			t.Fatal(err)
		}
	})
	t.Run("not an SSH server", func(t *testing.T) {
		w := newWorld(t, 5*time.Second)
		addr, _ := echoServer(t, "HTTP/1.1 400 Bad Request\r\n\r\n")
		_, key := testSSHD(t)
		cfg := w.passthrough(addr)
		w.relay(nil)
		_, err := w.prove(cfg, key.PublicKey())
		if brokenLink(t, err) != LinkNotSSH {
			t.Fatal(err)
		}
	})
}

// connectProxy is an HTTP CONNECT proxy on loopback; it counts tunnels.
func connectProxy(t *testing.T) (*url.URL, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		up, err := net.Dial("tcp", r.Host)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		n.Add(1)
		w.WriteHeader(http.StatusOK)
		c, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			up.Close()
			return
		}
		go func() { _, _ = io.Copy(up, brw); up.Close() }()
		_, _ = io.Copy(c, up)
		c.Close()
	}))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return u, &n
}

// The relay and the proof both go through HTTPS_PROXY to a TLS tenant
// whose CA comes from the client's trust settings, WebSockets included.
func TestRelayAndProofThroughAProxyToATLSTenant(t *testing.T) {
	sim := tenantsim.New(tenantsim.Options{TenantID: testTenant, RemoteAccessAttachTimeout: 5 * time.Second, NotificationHold: time.Second,
		Users: []tenantsim.User{{Name: testAdmin, Password: testAdminPw, Roles: tenantsim.AllRoles()}}})
	srv := httptest.NewUnstartedServer(sim)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the untrusting client's handshake
	srv.StartTLS()
	t.Cleanup(srv.Close)
	proxy, tunnels := connectProxy(t)
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	tr := &http.Transport{Proxy: http.ProxyURL(proxy), TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
	c, err := tenantapi.New(tenantapi.Options{BaseURL: srv.URL, Timeout: 5 * time.Second, Transport: tr})
	if err != nil {
		t.Fatal(err)
	}
	w := worldOn(t, sim, srv, c)
	addr, key := testSSHD(t)
	cfg := w.passthrough(addr)
	w.relay(nil)
	if _, err := w.prove(cfg, key.PublicKey()); err != nil {
		t.Fatal(err)
	}
	if tunnels.Load() == 0 {
		t.Fatal("nothing went through the proxy")
	}
	// A client that does not trust the tenant's CA is told it is TLS.
	plain, _ := tenantapi.New(tenantapi.Options{BaseURL: srv.URL, Timeout: 5 * time.Second})
	_, err = Prove(context.Background(), ProveOptions{Client: plain, User: w.admin, MOID: w.moID, ConfigID: cfg, HostKeys: []ssh.PublicKey{key.PublicKey()}})
	if brokenLink(t, err) != LinkTLS {
		t.Fatal(err)
	}
}

// A tenant that refuses Basic for users: the client WebSocket logs in
// through AuthHeader (OAI-Secure); the device keeps Basic.
func TestProofOnATenantThatRefusesBasicForUsers(t *testing.T) {
	sim := tenantsim.New(tenantsim.Options{TenantID: testTenant, RemoteAccessAttachTimeout: 5 * time.Second, NotificationHold: time.Second,
		RefuseBasicForUsers: true, Users: []tenantsim.User{{Name: testAdmin, Password: testAdminPw, Roles: tenantsim.AllRoles()}}})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	c, err := tenantapi.New(tenantapi.Options{BaseURL: srv.URL, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	w := worldOn(t, sim, srv, c)
	addr, key := testSSHD(t)
	cfg := w.passthrough(addr)
	w.relay(nil)
	if _, err := w.prove(cfg, key.PublicKey()); err != nil {
		t.Fatal(err)
	}
	if sim.CountRequests(http.MethodPost, "/tenant/oauth") == 0 {
		t.Fatal("the user never logged in with OAI-Secure")
	}
}
