package demo

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// The demo tenant's users. They exist only in the in-memory tenant of
// --demo; printing them is the point.
const (
	demoTenantID      = "t1234567"
	demoUser          = "demo-admin"
	demoPassword      = "demo-Passw0rd"
	demoEdgeAdmin     = "admin"
	demoEdgeAdminPass = "Edge-Admin-1"
)

// Demo is a cloud tenant and the Edge's own platform (two tenantsims on
// loopback ports) plus a sandbox root.
type Demo struct {
	root    string
	url     string // the cloud tenant
	edgeURL string // the Edge's local platform (option 6), tenant "edge"
	servers []*http.Server
	sim     *tenantsim.Sim
	temp    bool
	version string // edge-setup's, in the demo relay's User-Agent

	remoteAccess *demoRemoteAccess // sshd, relay and switches (demo_remoteaccess.go)
	cloud        *Cloud            // the cloud's people on B's link screen (demo_databroker_cloud.go)
	stops        []func()          // background work to end on Close
	// bootstrap is the demo tenant's bootstrap password: random per run,
	// printed on purpose (a second shell may need it).
	bootstrap string

	mu          sync.Mutex // servers[0] (the cloud) can be stopped and started (demo_databroker.go)
	cloudDown   *string    // the cloud's address while it is stopped
	notes       []string   // more lines for the intro
	bannerNotes []string   // more lines for the banner
}

// Start starts the demo under root ("" or "/": a new temporary sandbox);
// version goes into the demo relay's User-Agent.
func Start(root, version string) (*Demo, error) {
	d := &Demo{root: root, version: version}
	if root == "" || root == "/" {
		dir, err := os.MkdirTemp("", "edge-setup-demo-")
		if err != nil {
			return nil, err
		}
		d.root, d.temp = dir, true
	}
	bootstrap := randomSecret()
	d.bootstrap = bootstrap
	d.sim = tenantsim.New(tenantsim.Options{
		TenantID:          demoTenantID,
		BootstrapPassword: bootstrap,
		Users:             []tenantsim.User{{Name: demoUser, Password: demoPassword, Roles: tenantsim.AllRoles()}},
		// Like a new tenant locked down to OAI-Secure: users log in with a
		// token, the device and the bootstrap user keep Basic.
		RefuseBasicForUsers: true,
	})
	edge := tenantsim.New(tenantsim.Options{
		TenantID:   "edge",
		DomainName: demoDomain,
		Users:      []tenantsim.User{{Name: demoEdgeAdmin, Password: demoEdgeAdminPass, Roles: tenantsim.AllRoles()}},
	})
	var err error
	if d.url, err = d.serve(d.sim); err != nil {
		return nil, err
	}
	if d.edgeURL, err = d.serve(edge); err != nil {
		d.Close()
		return nil, err
	}
	if err := seedDemoRoot(d.root, bootstrap); err != nil {
		d.Close()
		return nil, err
	}
	if err := d.startRemoteAccess(); err != nil {
		d.Close()
		return nil, err
	}
	d.startDataBroker(edge, bootstrap)
	return d, nil
}

// seedDemoRoot presets the bootstrap password (as a platform operator
// would hand it over) and the system files other options read.
func seedDemoRoot(root, bootstrap string) error {
	store := edgeprops.New(root)
	cfg, err := store.LoadAgentConfig()
	if err != nil {
		return err
	}
	if cfg.BootstrapPassword == "" {
		cfg.BootstrapPassword = bootstrap
		if err := store.SaveAgentConfig(cfg); err != nil {
			return err
		}
	}
	if err := seedDemoSystem(root); err != nil {
		return err
	}
	return seedDemoCertificates(root)
}

// serve starts h on a loopback port and returns its URL.
func (d *Demo) serve(h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("no loopback port for the demo: %w", err)
	}
	srv := &http.Server{Addr: ln.Addr().String(), Handler: h, ReadHeaderTimeout: 10 * time.Second}
	d.servers = append(d.servers, srv)
	go srv.Serve(ln) //nolint:errcheck // ends with Close
	return "http://" + ln.Addr().String(), nil
}

// Close stops the demo tenants and removes the sandbox root the demo made
// (a --root given by the operator is theirs and stays).
func (d *Demo) Close() {
	for _, stop := range d.stops {
		stop()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, s := range d.servers {
		s.Close()
	}
	d.RemoveSandbox()
}

// RemoveSandbox removes the sandbox root the demo made.
func (d *Demo) RemoveSandbox() {
	if d.temp {
		_ = os.RemoveAll(d.root)
	}
}

func (d *Demo) Banner() []string {
	return append([]string{
		fmt.Sprintf("DEMO tenant %s · tenant user %s / %s", d.url, demoUser, demoPassword),
		fmt.Sprintf("DEMO Edge admin %s / %s · %s, files in /%s", demoEdgeAdmin, demoEdgeAdminPass, demoDomain, demoFilesDir),
		"DEMO sandbox root " + d.root + " (removed on exit)",
	}, d.bannerNotes...)
}

func (d *Demo) Intro() string {
	var b strings.Builder
	fmt.Fprintf(&b, "edge-setup demo\n  tenant URL:      %s\n  tenant user:     %s / %s\n  Edge admin:      %s / %s (options 2 and 6)\n"+
		"  domain:          %s (certificate, key and licence in /%s)\n  sandbox root:    %s (removed on exit)\n",
		d.url, demoUser, demoPassword, demoEdgeAdmin, demoEdgeAdminPass, demoDomain, demoFilesDir, d.root)
	if d.remoteAccess != nil {
		b.WriteString(d.remoteAccess.introLines())
	}
	fmt.Fprintf(&b, "  bootstrap:       %s (preset)\n  second shell:    C8Y_USER=%s C8Y_PASSWORD=%s edge-setup --root %s register --accept\n",
		d.bootstrap, demoUser, demoPassword, d.root)
	for _, n := range d.notes {
		b.WriteString(n + "\n")
	}
	return b.String()
}

// Root is the sandbox root (the --root given, or the temporary one the demo made).
func (d *Demo) Root() string { return d.root }

// EdgeURL is the Edge's local platform (option 6).
func (d *Demo) EdgeURL() string { return d.edgeURL }

// Cloud plays the cloud tenant's people on B's link screen.
func (d *Demo) Cloud() *Cloud { return d.cloud }

func randomSecret() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
