package status

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/registration"
	"github.com/edge-setup/edge-setup/steps/remoteaccess"
	"github.com/edge-setup/edge-setup/steps/system"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// StatusSchema is the version of the Status JSON; it changes only when a
// field changes meaning or goes away (new fields may be added).
const StatusSchema = 1

// StatusCheckTimeout bounds the live check of the registration when the
// caller's context has no deadline.
const StatusCheckTimeout = 5 * time.Second

// Registration states of Status.Registration.State.
const (
	RegDisabled           = "disabled"            // no cloud URL: remote management is off
	RegNotRegistered      = "not-registered"      // the device holds no credentials
	RegConnected          = "connected"           // the tenant accepts the device credentials
	RegCredentialsInvalid = "credentials-invalid" // the tenant refused them, or they belong to another tenant
	RegUnreachable        = "unreachable"         // the tenant could not be asked
	RegUnknown            = "unknown"             // the local files could not be read
)

// Status is what `edge-setup status` shows. It is gathered without the lock
// and without changing anything (not even creating the device ID); its JSON
// form is documented and stable (see StatusSchema).
type Status struct {
	Schema    int       `json:"schema"`
	Root      string    `json:"root"`
	CheckedAt time.Time `json:"checkedAt"`
	// DeviceID is "" when it has not been created yet (option 7 creates it).
	DeviceID         string             `json:"deviceId"`
	CloudURL         string             `json:"cloudUrl"`
	RemoteManagement bool               `json:"remoteManagement"`
	Registration     RegistrationStatus `json:"registration"`
	Options          []OptionStatus     `json:"options"`
	Hosting          HostingStatus      `json:"microserviceHosting"`
	RemoteAccess     RemoteAccessStatus `json:"remoteAccess"`
	// Problems are files that could not be read; the rest is still shown.
	Problems []string `json:"problems,omitempty"`
}

// RegistrationStatus is the live state of the Edge in its cloud tenant.
type RegistrationStatus struct {
	State           string `json:"state"` // one of the Reg* constants
	TenantID        string `json:"tenantId,omitempty"`
	ManagedObjectID string `json:"managedObjectId,omitempty"`
	// Reason says why (not registered, refused, unreachable) and what to do.
	Reason string `json:"reason,omitempty"`
}

// OptionStatus is one option's completion record.
type OptionStatus struct {
	Number      int        `json:"number"`
	Title       string     `json:"title"`
	Completed   bool       `json:"completed"`
	CompletedAt *time.Time `json:"completedAt,omitempty"`
	Version     string     `json:"version,omitempty"` // edge-setup version that ran it
}

// HostingStatus is the microservice hosting feature (option 8).
type HostingStatus struct {
	Enabled   bool       `json:"enabled"`
	ChangedAt *time.Time `json:"changedAt,omitempty"`
}

// RemoteAccessStatus is what option S set up here (from its state record
// and the relay's unit; the tenant is not asked).
type RemoteAccessStatus struct {
	SetUp        bool       `json:"setUp"`
	Target       string     `json:"target,omitempty"` // HOST:PORT of the SSH server
	SSHUser      string     `json:"sshUser,omitempty"`
	Endpoints    int        `json:"endpoints"`
	Relay        bool       `json:"relayInstalled"`
	ConfiguredAt *time.Time `json:"configuredAt,omitempty"`
}

// GatherStatus reads the Edge's state under env.Root and, when a cloud URL
// is configured, checks the device credentials against the tenant (bounded
// by StatusCheckTimeout unless ctx has a deadline). It never writes a file,
// locally or in the tenant.
func GatherStatus(ctx context.Context, env *steps.Env) Status {
	s := Status{Schema: StatusSchema, Root: env.Root, CheckedAt: env.CurrentTime().UTC(), Options: []OptionStatus{}}
	problem := func(err error) { s.Problems = append(s.Problems, err.Error()) }

	id, err := readDeviceIDFile(env)
	if err != nil {
		problem(err)
	}
	s.DeviceID = id

	cfg, err := env.Props.LoadAgentConfig()
	if err != nil {
		problem(err)
		s.Registration = RegistrationStatus{State: RegUnknown, Reason: "the agent configuration cannot be read"}
	} else {
		s.CloudURL, s.RemoteManagement = cfg.URL, cfg.RemoteManagement
		s.Registration = checkRegistration(ctx, env, cfg.URL, id)
	}

	comp, err := system.LoadCompletion(env)
	if err != nil {
		problem(err)
	}
	for _, st := range options.All() {
		o := OptionStatus{Number: st.Number(), Title: options.StableTitle(st, env)}
		if oc, ok := comp.Options[strconv.Itoa(st.Number())]; ok {
			at := oc.At
			o.Completed, o.CompletedAt, o.Version = true, &at, oc.Version
		}
		s.Options = append(s.Options, o)
	}

	hs, err := options.LoadHostingState(env)
	if err != nil {
		problem(fmt.Errorf("cannot read the microservice hosting state: %w", err))
	}
	s.Hosting.Enabled = hs.Enabled
	if !hs.ChangedAt.IsZero() {
		at := hs.ChangedAt
		s.Hosting.ChangedAt = &at
	}
	s.RemoteAccess, err = remoteAccessStatus(env)
	if err != nil {
		problem(fmt.Errorf("cannot read option S's state: %w", err))
	}
	return s
}

func remoteAccessStatus(env *steps.Env) (RemoteAccessStatus, error) {
	ra := RemoteAccessStatus{Relay: remoteaccess.RelayInstalled(env.Root)}
	var st remoteaccess.State
	ok, err := env.Props.ReadState(remoteaccess.StateName, &st)
	if err != nil || !ok {
		return ra, err
	}
	for _, id := range []string{st.SSHID, st.PassthroughID} {
		if id != "" {
			ra.Endpoints++
		}
	}
	ra.SetUp = ra.Endpoints > 0
	if st.Host != "" {
		ra.Target = net.JoinHostPort(st.Host, strconv.Itoa(st.Port))
	}
	ra.SSHUser = st.SSHUser
	if !st.Configured.IsZero() {
		at := st.Configured
		ra.ConfiguredAt = &at
	}
	return ra, nil
}

// readDeviceIDFile reads the device ID without creating it ("" when missing).
func readDeviceIDFile(env *steps.Env) (string, error) {
	path := env.Props.Path(edgeprops.DeviceIDFile)
	data, err := env.Props.ReadFile(path, 4096)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("cannot read the device ID in %s: %s", path, steps.SystemReason(err))
	}
	id := strings.TrimSpace(string(data))
	if id == "" {
		return "", nil
	}
	if err := edgeprops.ValidateDeviceID(id); err != nil {
		return "", fmt.Errorf("%s holds an unusable device ID: %v", path, err)
	}
	return id, nil
}

// checkRegistration proves the stored device credentials against the tenant,
// read-only: unlike Registration.CheckExisting it neither creates nor
// updates the device's managed object.
func checkRegistration(ctx context.Context, env *steps.Env, url, deviceID string) RegistrationStatus {
	if url == "" {
		return RegistrationStatus{State: RegDisabled, Reason: "no cloud URL is configured: run option 7 to connect the Edge to a tenant"}
	}
	if _, err := system.NormalizeCloudURL(url); err != nil {
		return RegistrationStatus{State: RegUnknown, Reason: fmt.Sprintf("the cloud URL in %s cannot be used (%v): run option 7 and enter the tenant URL again", edgeprops.AgentPropsFile, err)}
	}
	creds, ok, err := env.Props.LoadCredentials()
	if err != nil {
		return RegistrationStatus{State: RegUnknown, Reason: err.Error()}
	}
	if !ok {
		return RegistrationStatus{State: RegNotRegistered, Reason: "the device holds no credentials yet: register it with option 7 or edge-setup register --wait"}
	}
	if creds.URL != "" && !system.SameHost(creds.URL, url) {
		return RegistrationStatus{State: RegCredentialsInvalid, Reason: fmt.Sprintf("the device credentials belong to %s, not %s: register again (option 7)", creds.URL, url)}
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, StatusCheckTimeout)
		defer cancel()
	}
	client, err := env.NewClient(url)
	if err != nil {
		return RegistrationStatus{State: RegUnknown, Reason: err.Error()}
	}
	dev := tenantapi.Credentials{Tenant: creds.Tenant, User: creds.Username, Password: creds.Password}
	tenant, err := client.CurrentTenant(ctx, dev)
	switch {
	case errors.Is(err, tenantapi.ErrUnauthorized) || errors.Is(err, tenantapi.ErrForbidden):
		return RegistrationStatus{State: RegCredentialsInvalid, Reason: "the tenant refused the device credentials (" + tenantapi.Explain(err) + "): register again (option 7)"}
	case err != nil:
		return RegistrationStatus{State: RegUnreachable, Reason: tenantapi.Explain(err)}
	}
	if dev.Tenant == "" {
		dev.Tenant = tenant.Name
	}
	rs := RegistrationStatus{State: RegConnected, TenantID: tenant.Name}
	if deviceID == "" {
		return rs
	}
	mo, err := client.ExternalID(ctx, dev, registration.ExternalIDType, deviceID)
	switch {
	case err == nil:
		rs.ManagedObjectID = mo
	case errors.Is(err, tenantapi.ErrNotFound):
		rs.Reason = "the device is not in the tenant's inventory: edge-setup register adds it"
	default:
		rs.Reason = "the device's inventory entry could not be read: " + tenantapi.Explain(err)
	}
	return rs
}
