package registration

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/system"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// Registration is the device registration workflow of option 7: the device
// asks the tenant for its credentials until the request is accepted, then
// stores and proves them and makes sure the device stands in the inventory.
// Its requests (CheckExisting, PollOnce, Complete, the tenant user's
// actions) keep no timers: RegistrationMachine owns the policy and the
// waits, and every front end drives that.
type Registration struct {
	Env       *steps.Env
	Client    *tenantapi.Client
	URL       string
	DeviceID  string
	Bootstrap tenantapi.Credentials
	// Tenant, when set, is a tenant user who may read, create and accept
	// the registration request, so the whole registration can be done here.
	Tenant  *tenantapi.Credentials
	Cadence steps.Cadence

	keeper credKeeper // the credentials issued once (registration_keep.go)
}

// Connection is what a registered Edge holds.
type Connection struct {
	URL             string
	TenantID        string
	Username        string
	ManagedObjectID string
	CreatedDevice   bool // the managed object was created now
	// Agent says whether the edge-agent picks up credentials stored now
	// ("restarted", "restart planned (sandbox root)", or why not); empty
	// for credentials stored earlier.
	Agent string
}

// RegisterLink is where the operator registers the device in the tenant.
func (r *Registration) RegisterLink() string {
	return r.URL + "/apps/devicemanagement/index.html#/deviceregistration"
}

// DeviceLink is the device's page in Device Management.
func (c *Connection) DeviceLink() string {
	return c.URL + "/apps/devicemanagement/index.html#/device/" + url.PathEscape(c.ManagedObjectID)
}

// CanManage reports whether tenant user credentials are available.
func (r *Registration) CanManage() bool { return r.Tenant != nil }

// ErrCredentialsInvalid wraps the reason stored device credentials cannot be used.
var ErrCredentialsInvalid = errors.New("the stored device credentials are no longer valid")

// ErrNoCredentials means the device has not been registered yet.
var ErrNoCredentials = errors.New("the device holds no credentials yet")

// CheckExisting proves the stored device credentials, if any, against the
// tenant. It returns the connection when they work, an error wrapping
// ErrNoCredentials or ErrCredentialsInvalid when registration is needed,
// and any other error when the tenant could not be asked (retry later).
func (r *Registration) CheckExisting(ctx context.Context) (*Connection, error) {
	creds, ok, err := r.Env.Props.LoadCredentials()
	if err != nil {
		return nil, err
	}
	if !ok || creds.Username == "" {
		return nil, ErrNoCredentials
	}
	if creds.URL != "" && !system.SameHost(creds.URL, r.URL) {
		return nil, fmt.Errorf("%w: they belong to %s, not %s", ErrCredentialsInvalid, creds.URL, r.URL)
	}
	dev := tenantapi.Credentials{Tenant: creds.Tenant, User: creds.Username, Password: creds.Password}
	conn, err := r.connect(ctx, dev)
	if err == nil {
		_ = r.ClearProgress() // nothing left to resume; a failure here changes nothing
	}
	if errors.Is(err, tenantapi.ErrUnauthorized) || errors.Is(err, tenantapi.ErrForbidden) {
		r.refuseStored(creds.Password)
		return nil, fmt.Errorf("%w: the tenant refused them (%s); registering again", ErrCredentialsInvalid, tenantapi.Explain(err))
	}
	return conn, err
}

// PollOutcome is the result of one poll round.
type PollOutcome struct {
	// Status is the display status: the tenant's true status when tenant
	// user credentials are available, else what the device can know.
	Status string
	// RequestExists is known only with tenant user credentials.
	RequestExists bool
	// Credentials are set once the request was accepted.
	Credentials *tenantapi.DeviceCredentials
	// Retrying is a transient failure; the next poll is in Next.
	Retrying error
	// Fatal stops polling: the reason, with what to do.
	Fatal error
	// TenantWarning is a problem with the tenant user's view only; the
	// device keeps polling.
	TenantWarning error
	// Next is the wait before the next poll.
	Next time.Duration
}

// PollOnce asks for the device credentials once (and, with tenant user
// credentials, for the true request status). elapsed is the time since
// polling started; failures the number of consecutive transient failures so far.
func (r *Registration) PollOnce(ctx context.Context, elapsed time.Duration, failures int) PollOutcome {
	var out PollOutcome
	// Credentials already issued (kept in memory until stored, or stored
	// by another program while we waited) are never asked for again.
	if dc := r.pending(); dc != nil {
		out.Credentials, out.Status, out.RequestExists = dc, StatusAccepted, true
		return out
	}
	if dc := r.storedByOther(ctx); dc != nil {
		out.Credentials, out.Status, out.RequestExists = dc, StatusAccepted, true
		return out
	}
	// The tenant's view is read first, so a request the device is about to
	// move on is seen as "Waiting for connection" once, as in the tenant's UI.
	tenantStatus := ""
	if r.Tenant != nil {
		req, err := r.Client.NewDeviceRequest(ctx, *r.Tenant, r.DeviceID)
		switch {
		case err == nil:
			tenantStatus = DisplayStatus(req.Status)
			out.RequestExists = true
			_ = r.observeTenant(true, req.Status)
		case errors.Is(err, tenantapi.ErrNotFound):
			tenantStatus = StatusNotRegistered
			out.TenantWarning = r.observeTenant(false, "")
		default:
			out.TenantWarning = steps.Explain("could not read the registration request as the tenant user", err)
		}
	}
	dc, err := r.Client.RequestDeviceCredentials(ctx, r.Bootstrap, r.DeviceID)
	switch {
	case err == nil:
		// Stored before anything else; if that fails they stay in memory
		// and Complete stores them.
		_ = r.keep(dc)
		out.Credentials = dc
		out.Status = StatusAccepted
		out.RequestExists = true
		return out
	case errors.Is(err, tenantapi.ErrNotYetAccepted):
		if lost := r.notYetAfterAcceptance(); lost != nil {
			out.Fatal = lost
			return out
		}
		out.Status = StatusNotAccepted
		if tenantStatus != "" {
			out.Status = tenantStatus
		}
		out.Next = r.Cadence.Interval(elapsed)
		return out
	case errors.Is(err, tenantapi.ErrUnauthorized):
		out.Fatal = fmt.Errorf("the tenant refused the bootstrap credentials (401): the bootstrap password for %s/%s is wrong; "+
			"set c8y.bootstrap.password in %s or C8Y_BOOTSTRAP_PASSWORD (your platform operator has it), then choose 7 again",
			r.Bootstrap.Tenant, r.Bootstrap.User, edgeprops.AgentPropsFile)
	case errors.Is(err, tenantapi.ErrForbidden):
		out.Fatal = fmt.Errorf("the tenant does not let %s/%s request device credentials (403): ask your platform operator to check the bootstrap user",
			r.Bootstrap.Tenant, r.Bootstrap.User)
	case ctx.Err() != nil:
		out.Fatal = ctx.Err()
	default:
		if tenantapi.CutOffSuccess(err) {
			// The tenant answered success: it issued the credentials
			// (once) and the answer with them broke off.
			r.keeper.mu.Lock()
			r.keeper.accepted, r.keeper.cutOff = true, true
			r.keeper.mu.Unlock()
		}
		if retry, after := tenantapi.Retryable(err); retry {
			out.Retrying = steps.Explain("asking the tenant for the device credentials failed", err)
			out.Next = r.Cadence.Retry(failures+1, after)
			return out
		}
		out.Fatal = steps.Explain("asking the tenant for the device credentials failed", err)
	}
	return out
}

// CreateRequest registers the device in the tenant, as the operator would
// in Device Management > Registration (needs tenant user credentials).
func (r *Registration) CreateRequest(ctx context.Context) error {
	if r.Tenant == nil {
		return errors.New("no tenant user credentials: register the device in the tenant's Device Management")
	}
	if _, err := r.Client.CreateNewDeviceRequest(ctx, *r.Tenant, r.DeviceID); err != nil {
		return steps.Explain("creating the registration request failed", err)
	}
	return nil
}

// Accept accepts the pending request (needs tenant user credentials).
func (r *Registration) Accept(ctx context.Context) error {
	if r.Tenant == nil {
		return errors.New("no tenant user credentials: accept the device in the tenant's Device Management")
	}
	if _, err := r.Client.AcceptNewDeviceRequest(ctx, *r.Tenant, r.DeviceID); err != nil {
		return steps.Explain("accepting the registration request failed", err)
	}
	r.keeper.markAccepted()
	return nil
}

// Complete stores the credentials the tenant issued (they are handed out
// only once, so this comes first), proves them and makes sure the device
// stands in the inventory. It is safe to call again after a failure.
func (r *Registration) Complete(ctx context.Context, dc *tenantapi.DeviceCredentials) (*Connection, error) {
	if err := r.keep(dc); err != nil {
		return nil, err // kept in memory; retryable (tenantapi.Retryable)
	}
	conn, err := r.connect(ctx, tenantapi.Credentials{Tenant: dc.TenantID, User: dc.Username, Password: dc.Password})
	if err == nil {
		_ = r.ClearProgress() // nothing left to resume; a failure here changes nothing
		conn.Agent = r.restartAgentForCredentials(ctx)
	}
	return conn, err
}

// connect proves device credentials and finds or creates the device's
// managed object.
func (r *Registration) connect(ctx context.Context, dev tenantapi.Credentials) (*Connection, error) {
	tenant, err := r.Client.CurrentTenant(ctx, dev)
	if err != nil {
		return nil, steps.Explain("proving the device credentials failed", err)
	}
	if dev.Tenant == "" {
		dev.Tenant = tenant.Name
	}
	conn := &Connection{URL: r.URL, TenantID: tenant.Name, Username: dev.User}
	moID, err := r.Client.ExternalID(ctx, dev, ExternalIDType, r.DeviceID)
	switch {
	case err == nil:
		conn.ManagedObjectID = moID
	case errors.Is(err, tenantapi.ErrNotFound):
		moID, err = r.Client.CreateManagedObject(ctx, dev, deviceManagedObject(r.DeviceID))
		if err != nil {
			return nil, steps.Explain("creating the device in the inventory failed", err)
		}
		if err := r.Client.CreateExternalID(ctx, dev, moID, ExternalIDType, r.DeviceID); err != nil {
			return nil, steps.Explain("linking the device ID to the inventory object "+moID+" failed", err)
		}
		conn.ManagedObjectID = moID
		conn.CreatedDevice = true
	default:
		return nil, steps.Explain("looking up the device in the inventory failed", err)
	}
	if !conn.CreatedDevice && hasRequiredAvailability(ctx, r.Client, dev, conn.ManagedObjectID) {
		return conn, nil // a rerun on a connected Edge changes nothing in the tenant
	}
	err = r.Client.UpdateManagedObject(ctx, dev, conn.ManagedObjectID, map[string]any{
		"c8y_RequiredAvailability": map[string]any{"responseInterval": RequiredAvailabilityMinutes},
	})
	if err != nil {
		return nil, steps.Explain("updating the device in the inventory failed", err)
	}
	return conn, nil
}

// hasRequiredAvailability: the device's managed object already asks for
// RequiredAvailabilityMinutes (false when it cannot be read: then it is set).
func hasRequiredAvailability(ctx context.Context, c *tenantapi.Client, dev tenantapi.Credentials, moID string) bool {
	mo, err := c.ManagedObject(ctx, dev, moID)
	if err != nil {
		return false
	}
	ra, _ := mo["c8y_RequiredAvailability"].(map[string]any)
	n, ok := ra["responseInterval"].(float64)
	return ok && n == RequiredAvailabilityMinutes
}

// ExternalIDType binds the Edge device ID to its managed object.
const ExternalIDType = "c8y_Serial"

// RequiredAvailabilityMinutes: the tenant marks the Edge unavailable after
// this long without traffic (the edge-agent service talks far more often).
const RequiredAvailabilityMinutes = 60

func deviceManagedObject(deviceID string) map[string]any {
	return map[string]any{
		"name":                               deviceID,
		"type":                               "c8y_EdgeDevice",
		"c8y_IsDevice":                       map[string]any{},
		"com_cumulocity_model_Agent":         map[string]any{},
		"c8y_SupportedOperations":            []string{"c8y_RemoteAccessConnect"},
		"c8y_RemoteAccessSupportedProtocols": []string{"SSH"},
	}
}
