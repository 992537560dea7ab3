// Package tenantsim is an in-memory Cumulocity tenant: an http.Handler that
// speaks the wire protocol described in the project's REST reference
// (registration, device credentials, identity, inventory, operations,
// events, alarms, measurements, remote access, users). What it does not
// simulate it refuses with 501 (see README.md in this directory). Tests and the product's demo mode run it behind
// httptest.NewServer. It is safe for concurrent use.
package tenantsim

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// Options configure a Sim. Zero values get the documented defaults.
type Options struct {
	TenantID          string // default "t1234567"
	DomainName        string // reported by currentTenant; default "demo.cumulocity.local"
	BootstrapUser     string // default "devicebootstrap" (tenant "management")
	BootstrapPassword string // required for deviceCredentials; empty refuses every bootstrap call
	Users             []User // tenant users
	Now               func() time.Time
	// RemoteAccessAttachTimeout is how long a remote access session waits
	// for the device to attach (the tenant option remoteaccess.operation.timeout);
	// default 30 s.
	RemoteAccessAttachTimeout time.Duration
	// NotificationHold is how long a Bayeux connect is held when nothing
	// happens; default 10 s (guess: the platform's advice names its own).
	NotificationHold time.Duration

	// DeviceCredentialsCreated answers an accepted deviceCredentials poll
	// with 201, as the older REST reference and the Python SDK describe;
	// the default is 200, as the current OpenAPI description says.
	DeviceCredentialsCreated bool
	// NextOnlyWhenMore leaves "next" off a full last page (an older or
	// other server's shape). By default tenantsim sends "next" whenever a
	// page is full, as the platform does.
	NextOnlyWhenMore bool

	// RefuseBasicForUsers makes the tenant refuse Basic authentication for
	// tenant users (they must log in with OAI-Secure); devices and the
	// bootstrap user keep Basic. loginOptions then says so.
	RefuseBasicForUsers bool
	// DisableOAuth leaves OAI-Secure out (an older tenant with Basic only).
	DisableOAuth bool
	// TokenLifetime of an OAI-Secure login; default DefaultTokenLifetime.
	TokenLifetime time.Duration
}

// Sim is one simulated tenant.
type Sim struct {
	opts Options
	mux  *http.ServeMux

	mu        sync.Mutex
	users     map[string]*account // by user name, tenant users and device users
	requests  map[string]*deviceRequest
	issued    map[string]issuedCreds // device id -> credentials handed out
	mos       map[string]map[string]any
	extIDs    map[extKey]string // (type, value) -> managed object id
	ops       map[string]*operation
	raConfigs map[string][]*raConfig         // managed object id -> remote access configurations
	data      map[string]map[string]*record  // events, alarms, measurements: api -> id -> record
	tokens    map[string]oauthToken          // OAI-Secure logins by token
	children  map[string]map[string][]string // parent id -> childDevices/childAssets/childAdditions -> ids
	watch     watchers
	broker    brokerState // Data Broker: connectors and subscriptions
	seq       int64       // id source for managed objects, operations, configs
	log       []RequestRecord

	faultMu sync.Mutex
	fault   *activeFault

	ra     raState     // remote access sessions and the service switch (remoteaccess_session.go)
	bayeux bayeuxState // real-time notification clients (notifications.go)
}

// New returns a tenant with the given options.
func New(o Options) *Sim {
	if o.TenantID == "" {
		o.TenantID = "t1234567"
	}
	if o.DomainName == "" {
		o.DomainName = "demo.cumulocity.local"
	}
	if o.BootstrapUser == "" {
		o.BootstrapUser = "devicebootstrap"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Sim{
		opts:      o,
		users:     map[string]*account{},
		requests:  map[string]*deviceRequest{},
		issued:    map[string]issuedCreds{},
		mos:       map[string]map[string]any{},
		extIDs:    map[extKey]string{},
		ops:       map[string]*operation{},
		raConfigs: map[string][]*raConfig{},
		data:      map[string]map[string]*record{},
		tokens:    map[string]oauthToken{},
		children:  map[string]map[string][]string{},
		seq:       10000,
	}
	for _, u := range o.Users {
		s.AddUser(u)
	}
	s.mux = s.routes()
	return s
}

// TenantID is the simulated tenant's ID.
func (s *Sim) TenantID() string { return s.opts.TenantID }

// ServeHTTP answers one request like the platform would.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &recorder{ResponseWriter: w}
	start := s.opts.Now()
	defer func() { s.record(r, rec, start) }()
	if s.applyFault(rec, r) {
		return
	}
	if s.opts.NextOnlyWhenMore {
		r = r.WithContext(context.WithValue(r.Context(), nextOnlyWhenMoreKey{}, true))
	}
	s.serve(rec, r)
}

// serve routes r; a path tenantsim does not serve gets a 501 naming it
// (the platform may well serve it; never a 404 that reads "not found").
func (s *Sim) serve(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodHead:
		// HEAD is GET without the body (net/http drops the body it writes).
		r = r.Clone(r.Context())
		r.Method = http.MethodGet
	case http.MethodOptions:
		s.serveOptions(w, r)
		return
	}
	if _, pattern := s.mux.Handler(r); pattern == "" {
		writeNotSimulated(w, r, "")
		return
	}
	s.mux.ServeHTTP(w, r)
}

// nextID hands out the next numeric id; callers hold s.mu.
func (s *Sim) nextID() string {
	s.seq++
	return itoa(s.seq)
}

// now is the simulated clock formatted like the platform (UTC, milliseconds).
func (s *Sim) now() string {
	return s.opts.Now().UTC().Format("2006-01-02T15:04:05.000Z07:00")
}
