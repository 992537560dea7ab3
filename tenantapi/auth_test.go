package tenantapi

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

type simClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *simClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *simClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// On a tenant that refuses Basic for users, tenant users log in with
// OAI-Secure and log in again when the token runs out; devices and the
// bootstrap user stay on Basic.
func TestUsersLogInWithOAISecureWhereBasicIsRefused(t *testing.T) {
	clk := &simClock{t: time.Now()}
	e := newEnvSim(t, func(o *tenantsim.Options) {
		o.RefuseBasicForUsers = true
		o.TokenLifetime = time.Hour
		o.Now = clk.Now
	})
	ctx := t.Context()
	if _, err := e.c.CurrentUser(ctx, admin); err != nil {
		t.Fatalf("user call: %v", Explain(err))
	}
	moID, err := e.c.CreateManagedObject(ctx, admin, map[string]any{"name": "d"})
	if err != nil {
		t.Fatal(err)
	}
	if n := e.sim.CountRequests("POST", "/tenant/oauth/token"); n != 1 {
		t.Fatalf("%d logins for two calls", n)
	}
	h, err := e.c.AuthHeader(ctx, admin)
	if err != nil || !strings.HasPrefix(h, "Bearer ") {
		t.Fatalf("AuthHeader %q %v", h, err)
	}
	// The token runs out on the tenant's clock: one 401, a new login, success.
	clk.Add(2 * time.Hour)
	if _, err := e.c.ManagedObject(ctx, admin, moID); err != nil {
		t.Fatalf("after expiry: %v", Explain(err))
	}
	if n := e.sim.CountRequests("POST", "/tenant/oauth/token"); n != 2 {
		t.Fatalf("%d logins after expiry", n)
	}
	// A changed password needs a new login.
	if err := e.c.ChangeOwnPassword(ctx, admin, adminPW, "changed-pass-2"); err != nil {
		t.Fatal(err)
	}
	newCr := admin
	newCr.Password = "changed-pass-2"
	if _, err := e.c.CurrentUser(ctx, newCr); err != nil {
		t.Fatalf("new password: %v", err)
	}
	// A wrong password is explained as such.
	_, err = e.c.CurrentUser(ctx, Credentials{Tenant: "t1234567", User: "admin", Password: "wrong"})
	if !errors.Is(err, ErrUnauthorized) || !strings.Contains(Explain(err), "OAI-Secure login was refused") {
		t.Fatalf("wrong password: %v / %s", err, Explain(err))
	}

	// Devices and the bootstrap user: Basic, no login.
	_ = e.sim.CreateRequest("dev-1")
	_, _ = e.c.RequestDeviceCredentials(ctx, boot, "dev-1")
	_ = e.sim.Accept("dev-1")
	dc, err := e.c.RequestDeviceCredentials(ctx, boot, "dev-1")
	if err != nil {
		t.Fatal(err)
	}
	devID, err := e.c.CreateManagedObject(ctx, dc.Credentials(), map[string]any{"name": "dev"})
	if err != nil {
		t.Fatalf("device on Basic: %v", err)
	}
	if h, _ := e.c.AuthHeader(ctx, dc.Credentials()); !strings.HasPrefix(h, "Basic ") {
		t.Fatalf("device header %q", h)
	}
	if _, err := e.c.Operations(ctx, dc.Credentials(), devID, OpPending); err != nil {
		t.Fatal(err)
	}
	// loginOptions told the truth: no Basic attempt as a tenant user at all.
	userBasic := "Basic " + base64.StdEncoding.EncodeToString([]byte("t1234567/admin:")) // 15 bytes: a whole base64 prefix
	for _, h := range e.spy.headers() {
		if strings.HasPrefix(h.Get("Authorization"), userBasic) {
			t.Fatalf("a tenant user sent Basic: %q", h.Get("Authorization"))
		}
	}
}

func TestBasicWhereAllowedAndTFAExplained(t *testing.T) {
	e := newEnvSim(t, func(o *tenantsim.Options) {
		o.Users = append(o.Users, tenantsim.User{Name: "tfa", Password: "tfa-pass-1", TFA: true, Roles: tenantsim.AllRoles()})
	})
	ctx := t.Context()
	if _, err := e.c.CurrentUser(ctx, admin); err != nil {
		t.Fatal(err)
	}
	if h, _ := e.c.AuthHeader(ctx, admin); !strings.HasPrefix(h, "Basic ") {
		t.Fatalf("Basic allowed, header %q", h)
	}
	if n := e.sim.CountRequests("POST", "/tenant/oauth"); n != 0 {
		t.Fatalf("%d OAuth logins on a Basic tenant", n)
	}
	if n := e.sim.CountRequests("GET", "/tenant/loginOptions"); n != 1 {
		t.Fatalf("loginOptions asked %d times", n)
	}

	e2 := newEnvSim(t, func(o *tenantsim.Options) {
		o.RefuseBasicForUsers = true
		o.Users = []tenantsim.User{{Name: "tfa", Password: "tfa-pass-1", TFA: true, Roles: tenantsim.AllRoles()}}
	})
	_, err := e2.c.CurrentTenant(ctx, Credentials{User: "tfa", Password: "tfa-pass-1"})
	if !errors.Is(err, ErrTFARequired) || !strings.Contains(Explain(err), "two-factor") {
		t.Fatalf("TFA: %v / %s", err, Explain(err))
	}
	assertOperatorText(t, Explain(err))
}

func TestJWTExpiry(t *testing.T) {
	// header.payload.signature with {"exp":2000000000}
	tok := "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjIwMDAwMDAwMDB9.sig"
	if got := jwtExpiry(tok); got.Unix() != 2000000000 {
		t.Fatalf("exp %v", got)
	}
	if !jwtExpiry("opaque").IsZero() || !jwtExpiry("a.!!.c").IsZero() {
		t.Fatal("non-JWT tokens have an expiry")
	}
}

// A tenant whose loginOptions still list BASIC although Basic is refused
// for users: the first 401 switches the client to OAI-Secure, once.
func TestBasicRefusedDespiteLoginOptionsFallsBackToOAISecure(t *testing.T) {
	sim := tenantsim.New(tenantsim.Options{RefuseBasicForUsers: true,
		Users: []tenantsim.User{{Name: "admin", Password: adminPW, Roles: tenantsim.AllRoles()}}})
	srv := quietServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/tenant/loginOptions" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"loginOptions":[{"type":"BASIC"},{"type":"OAUTH2_INTERNAL"}]}`))
			return
		}
		sim.ServeHTTP(w, r)
	}))
	c, err := New(Options{BaseURL: srv.URL, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for range 3 {
		if _, err := c.CurrentUser(t.Context(), admin); err != nil {
			t.Fatalf("after the fallback: %v", err)
		}
	}
	if n := sim.CountRequests("GET", "/user/currentUser"); n != 4 {
		t.Fatalf("%d requests: want one refused Basic, then three with a token", n)
	}
}

// Many goroutines of one client share one login.
func TestConcurrentCallsShareOneLogin(t *testing.T) {
	e := newEnvSim(t, func(o *tenantsim.Options) { o.RefuseBasicForUsers = true })
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.c.CurrentTenant(t.Context(), admin); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := e.sim.CountRequests("POST", "/tenant/oauth/token"); n != 1 {
		t.Fatalf("%d logins", n)
	}
}

// A token answer with an absurd expires_in neither overflows into the
// past (a login per call) nor breaks the call.
func TestHugeExpiresIn(t *testing.T) {
	srv := quietServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/tenant/loginOptions":
			_, _ = w.Write([]byte(`{"loginOptions":[{"type":"OAUTH2_INTERNAL"}]}`))
		case "/tenant/oauth/token":
			_, _ = w.Write([]byte(`{"access_token":"tok","expires_in":9223372036854775807}`))
		default:
			_, _ = w.Write([]byte(`{"name":"t1","domainName":"d"}`))
		}
	}))
	c, err := New(Options{BaseURL: srv.URL, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for range 2 {
		if _, err := c.CurrentTenant(t.Context(), admin); err != nil {
			t.Fatal(err)
		}
	}
	c.auth.mu.Lock()
	s := c.auth.sessions[admin.Login()]
	c.auth.mu.Unlock()
	if s == nil || s.expires.Before(time.Now().Add(300*24*time.Hour)) {
		t.Fatalf("session %+v", s)
	}
}
