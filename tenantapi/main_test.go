package tenantapi

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	bootPW  = "boot-secret-1"
	adminPW = "admin-pass-1"
)

var (
	admin  = Credentials{Tenant: "t1234567", User: "admin", Password: adminPW}
	reader = Credentials{User: "reader", Password: "reader-pass"}
	boot   = Bootstrap("", "", bootPW)
)

// headerSpy remembers the headers of every request before the sim sees them.
type headerSpy struct {
	next http.Handler
	mu   sync.Mutex
	seen []http.Header
}

func (h *headerSpy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	h.seen = append(h.seen, r.Header.Clone())
	h.mu.Unlock()
	h.next.ServeHTTP(w, r)
}

func (h *headerSpy) headers() []http.Header {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]http.Header(nil), h.seen...)
}

type env struct {
	sim *tenantsim.Sim
	srv *httptest.Server
	spy *headerSpy
	c   *Client
}

// newEnv starts a sim over real HTTP on loopback and a client for it.
func newEnv(t *testing.T, mod ...func(*Options)) *env {
	t.Helper()
	return newEnvSim(t, func(*tenantsim.Options) {}, mod...)
}

// newEnvSim is newEnv with the sim's options changed by simMod.
func newEnvSim(t *testing.T, simMod func(*tenantsim.Options), mod ...func(*Options)) *env {
	t.Helper()
	so := tenantsim.Options{
		BootstrapPassword: bootPW,
		Users: []tenantsim.User{
			{Name: "admin", Password: adminPW, Roles: tenantsim.AllRoles()},
			{Name: "reader", Password: "reader-pass", Roles: []string{tenantsim.RoleDeviceControlRead}},
		},
	}
	simMod(&so)
	sim := tenantsim.New(so)
	spy := &headerSpy{next: sim}
	srv := httptest.NewUnstartedServer(spy)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Start()
	o := Options{BaseURL: srv.URL + "/", UserAgent: "edge-setup/test", Timeout: 5 * time.Second}
	for _, f := range mod {
		f(&o)
	}
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sim.ClearFault()
		c.Close()
		srv.Close()
	})
	return &env{sim: sim, srv: srv, spy: spy, c: c}
}

// quietServer is an httptest server that does not log to stderr.
func quietServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}
