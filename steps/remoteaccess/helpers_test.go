package remoteaccess

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/tenantapi"
	wire "github.com/edge-setup/edge-setup/tenantapi/remoteaccess"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

const (
	testTenant   = "t100"
	testAdmin    = "admin"
	testAdminPw  = "admin-Passw0rd"
	testDeviceID = "edge-agent-test"
)

// world is a tenant with a registered Edge and a local TCP endpoint.
type world struct {
	t      *testing.T
	sim    *tenantsim.Sim
	srv    *httptest.Server
	client *tenantapi.Client
	admin  tenantapi.Credentials
	dev    tenantapi.Credentials
	moID   string
	props  *edgeprops.Store // the Edge's root: the relay's allow-list
}

func newWorld(t *testing.T, attach time.Duration) *world {
	t.Helper()
	return newWorldBehind(t, attach, nil)
}

// newWorldBehind is newWorld with the tenant's handler wrapped by wrap
// (nil: none), e.g. to hold some of its answers.
func newWorldBehind(t *testing.T, attach time.Duration, wrap func(http.Handler) http.Handler) *world {
	t.Helper()
	sim := tenantsim.New(tenantsim.Options{
		TenantID:                  testTenant,
		Users:                     []tenantsim.User{{Name: testAdmin, Password: testAdminPw, Roles: tenantsim.AllRoles()}},
		RemoteAccessAttachTimeout: attach,
		NotificationHold:          2 * time.Second,
	})
	var h http.Handler = sim
	if wrap != nil {
		h = wrap(sim)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := tenantapi.New(tenantapi.Options{BaseURL: srv.URL, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return worldOn(t, sim, srv, c)
}

// worldOn registers the test device in sim and returns the world of the
// tenant served by srv and reached with c.
func worldOn(t *testing.T, sim *tenantsim.Sim, srv *httptest.Server, c *tenantapi.Client) *world {
	d := sim.RegisterDevice(testDeviceID, nil)
	return &world{t: t, sim: sim, srv: srv, client: c,
		admin: tenantapi.Credentials{Tenant: testTenant, User: testAdmin, Password: testAdminPw},
		dev:   tenantapi.Credentials{Tenant: testTenant, User: d.User, Password: d.Password},
		moID:  d.ManagedObjectID, props: edgeprops.New(t.TempDir())}
}

// passthrough creates a PASSTHROUGH endpoint to addr, allows addr on the
// Edge and returns the endpoint's id.
func (w *world) passthrough(addr string) string {
	w.t.Helper()
	if _, err := Allow(w.props, addr); err != nil {
		w.t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(addr)
	var p int
	for _, c := range port {
		p = p*10 + int(c-'0')
	}
	cfg, err := w.client.CreateRemoteAccessConfig(context.Background(), w.admin, w.moID, tenantapi.RemoteAccessConfig{
		Name: "test passthrough", Hostname: host, Port: p, Protocol: "PASSTHROUGH", CredentialsType: "NONE"})
	if err != nil {
		w.t.Fatal(err)
	}
	return cfg.ID
}

// relay starts a relay for the world's device until the test ends.
// dial opens a client session to the endpoint cfg, as the tenant's users do.
func (w *world) dial(cfg string) net.Conn {
	w.t.Helper()
	c, err := wire.DialClient(context.Background(), w.client, w.admin, w.moID, cfg)
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

func (w *world) relay(log func(string)) *Relay {
	w.t.Helper()
	return w.startRelay(&Relay{Client: w.client, Device: w.dev, DeviceMO: w.moID, Poll: 50 * time.Millisecond, Log: log, Props: w.props})
}

// startRelay runs r until the test ends, once it is ready.
func (w *world) startRelay(r *Relay) *Relay {
	w.t.Helper()
	r, _ = w.startRelayStoppable(r)
	return r
}

// startRelayStoppable is startRelay with a stop that returns once Serve has.
func (w *world) startRelayStoppable(r *Relay) (*Relay, func()) {
	w.t.Helper()
	ready := make(chan struct{})
	var once sync.Once
	r.Ready = func(string) { once.Do(func() { close(ready) }) }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = r.Serve(ctx); close(done) }()
	stop := func() { cancel(); <-done }
	w.t.Cleanup(stop)
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
		w.t.Fatal("the relay did not become ready")
	}
	return r, stop
}

// echoServer sends banner, then echoes every line upper-cased... no: echoes
// bytes as they come. It counts connections.
func echoServer(t *testing.T, banner string) (addr string, conns func() int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	n := 0
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			n++
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				_, _ = io.WriteString(c, banner)
				_, _ = io.Copy(c, bufio.NewReader(c))
			}()
		}
	}()
	return ln.Addr().String(), func() int { mu.Lock(); defer mu.Unlock(); return n }
}

// closedPort is a loopback port nothing listens on.
func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
