package remoteaccess

import (
	"context"
	"errors"
	"fmt"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// Edge is this Edge as its tenant knows it.
type Edge struct {
	URL      string // the tenant
	Tenant   string // tenant ID
	DeviceID string // the c8y_Serial external ID
	MOID     string // the managed object
	Device   tenantapi.Credentials
}

// ErrNotConnected: the Edge holds no device credentials yet.
var ErrNotConnected = errors.New("this Edge is not connected to a tenant yet: run option 7 (Configure Edge Agent) first")

// ErrEdgeNotKnown: the tenant refuses the Edge's credentials or lacks its
// device; only registering again (option 7) helps.
var ErrEdgeNotKnown = errors.New("the tenant does not know this Edge")

// StoredEdge reads the stored connection without asking the tenant.
func StoredEdge(props *edgeprops.Store) (*Edge, error) {
	cfg, err := props.LoadAgentConfig()
	if err != nil {
		return nil, err
	}
	creds, ok, err := props.LoadCredentials()
	if err != nil {
		return nil, err
	}
	if !ok || cfg.URL == "" {
		return nil, ErrNotConnected
	}
	url := creds.URL
	if url == "" {
		url = cfg.URL
	}
	e := &Edge{URL: url, Tenant: creds.Tenant, Device: tenantapi.Credentials{Tenant: creds.Tenant, User: creds.Username, Password: creds.Password}}
	return e, nil
}

// Prove checks the device credentials against the tenant and finds the
// Edge's managed object (the first check of option S).
func (e *Edge) Prove(ctx context.Context, props *edgeprops.Store, c *tenantapi.Client) error {
	t, err := c.CurrentTenant(ctx, e.Device)
	if errors.Is(err, tenantapi.ErrUnauthorized) {
		return fmt.Errorf("%w: the tenant refused the Edge's device credentials (401): run option 7 to register the Edge again", ErrEdgeNotKnown)
	}
	if err != nil {
		return fmt.Errorf("proving the device credentials failed: %s", tenantapi.Explain(err))
	}
	e.Tenant = t.Name
	if e.Device.Tenant == "" {
		e.Device.Tenant = t.Name
	}
	id, _, err := props.DeviceID()
	if err != nil {
		return err
	}
	e.DeviceID = id
	mo, err := c.ExternalID(ctx, e.Device, "c8y_Serial", id)
	if errors.Is(err, tenantapi.ErrNotFound) {
		return fmt.Errorf("%w: the tenant has no device with the ID %s: run option 7 so the Edge creates it", ErrEdgeNotKnown, id)
	}
	if err != nil {
		return fmt.Errorf("looking up the Edge in the inventory failed: %s", tenantapi.Explain(err))
	}
	e.MOID = mo
	return nil
}
