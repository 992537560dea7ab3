// Package stepstest builds step environments for tests: a temp root, a
// sandboxed runner and a tenantsim tenant on a loopback httptest server.
package stepstest

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/system"
	"github.com/edge-setup/edge-setup/tenantapi"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// Test users of the simulated tenant.
const (
	TenantID          = "t7654321"
	AdminUser         = "admin"
	AdminPassword     = "admin-Passw0rd"
	ReaderUser        = "reader"
	ReaderPassword    = "reader-Passw0rd"
	BootstrapPassword = "bootstrap-secret-42"
)

func init() { system.CheapPasswordHashesForTests() }

// World is a test environment with its tenant.
type World struct {
	Env    *steps.Env
	Sim    *tenantsim.Sim
	Server *httptest.Server
	URL    string
	Vars   map[string]string // what Env.Getenv answers
}

// FastCadence polls every 10 ms so tests finish quickly.
var FastCadence = steps.Cadence{Ceiling: 10 * time.Millisecond, RetryMin: 10 * time.Millisecond, RetryMax: 40 * time.Millisecond}

// New returns a world with a temp root, a sandboxed runner, a tenantsim
// tenant and the bootstrap password configured in the agent properties.
func New(t testing.TB) *World {
	t.Helper()
	return NewWith(t, func(*tenantsim.Options) {})
}

// NewWith is New with the tenant's options changed by mod (e.g. a tenant
// that refuses Basic authentication for users).
func NewWith(t testing.TB, mod func(*tenantsim.Options)) *World {
	t.Helper()
	o := tenantsim.Options{
		TenantID:          TenantID,
		BootstrapPassword: BootstrapPassword,
		Users: []tenantsim.User{
			{Name: AdminUser, Password: AdminPassword, Roles: tenantsim.AllRoles()},
			{Name: ReaderUser, Password: ReaderPassword, Roles: []string{"ROLE_DEVICE_CONTROL_READ"}},
		},
	}
	mod(&o)
	sim := tenantsim.New(o)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	root := t.TempDir()
	w := &World{Sim: sim, Server: srv, URL: srv.URL, Vars: map[string]string{}}
	cadence := FastCadence
	w.Env = &steps.Env{
		Root:    root,
		Props:   edgeprops.New(root),
		Runner:  steps.NewRunner(root),
		Getenv:  func(k string) string { return w.Vars[k] },
		Now:     time.Now,
		Version: "test",
		EdgeURL: srv.URL,
		Cadence: &cadence,
		NewClient: func(baseURL string) (*tenantapi.Client, error) {
			return tenantapi.New(tenantapi.Options{BaseURL: baseURL, UserAgent: "edge-setup/test", Timeout: 5 * time.Second})
		},
	}
	cfg, err := w.Env.Props.LoadAgentConfig()
	if err != nil {
		t.Fatal(err)
	}
	cfg.BootstrapPassword = BootstrapPassword
	if err := w.Env.Props.SaveAgentConfig(cfg); err != nil {
		t.Fatal(err)
	}
	return w
}
