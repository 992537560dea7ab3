package tenantapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Registration statuses on the wire. Others (e.g. "BLOCKED") can occur:
// show them, do not fail on them.
const (
	StatusWaitingForConnection = "WAITING_FOR_CONNECTION"
	StatusPendingAcceptance    = "PENDING_ACCEPTANCE"
	StatusAccepted             = "ACCEPTED"
)

// NewDeviceRequest is a registration request on the tenant side.
type NewDeviceRequest struct {
	ID           string
	Status       string
	Owner        string
	GroupID      string
	Type         string
	CreationTime time.Time // zero when the tenant sent none or an unreadable one
	Self         string
}

// UnmarshalJSON reads the wire form, tolerating odd time formats.
func (n *NewDeviceRequest) UnmarshalJSON(data []byte) error {
	var w struct {
		ID, Status, Owner, GroupID, Type, CreationTime, Self string
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	t, _ := time.Parse(time.RFC3339Nano, w.CreationTime)
	*n = NewDeviceRequest{ID: w.ID, Status: w.Status, Owner: w.Owner, GroupID: w.GroupID, Type: w.Type, CreationTime: t, Self: w.Self}
	return nil
}

const ndrType = "newDeviceRequest"

func ndrPath(id string) string { return "/devicecontrol/newDeviceRequests/" + url.PathEscape(id) }

// NewDeviceRequest reads the registration request for a device ID; a
// missing one is an error satisfying errors.Is(err, ErrNotFound).
func (c *Client) NewDeviceRequest(ctx context.Context, cr Credentials, id string) (*NewDeviceRequest, error) {
	var out NewDeviceRequest
	if _, err := c.do(ctx, call{method: http.MethodGet, path: ndrPath(id), cr: &cr, media: ndrType, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateNewDeviceRequest registers a device ID (as "Register device" in the UI).
func (c *Client) CreateNewDeviceRequest(ctx context.Context, cr Credentials, id string) (*NewDeviceRequest, error) {
	var out NewDeviceRequest
	if _, err := c.do(ctx, call{method: http.MethodPost, path: "/devicecontrol/newDeviceRequests", cr: &cr,
		media: ndrType, body: map[string]string{"id": id}, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// AcceptNewDeviceRequest accepts a request; the tenant allows it only once
// the device has polled (status PENDING_ACCEPTANCE), else 422.
func (c *Client) AcceptNewDeviceRequest(ctx context.Context, cr Credentials, id string) (*NewDeviceRequest, error) {
	var out NewDeviceRequest
	if _, err := c.do(ctx, call{method: http.MethodPut, path: ndrPath(id), cr: &cr,
		media: ndrType, body: map[string]string{"status": StatusAccepted}, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteNewDeviceRequest removes a registration request.
func (c *Client) DeleteNewDeviceRequest(ctx context.Context, cr Credentials, id string) error {
	_, err := c.do(ctx, call{method: http.MethodDelete, path: ndrPath(id), cr: &cr, media: ndrType})
	return err
}

// NewDeviceRequests lists one page of requests (page from 1; pageSize up
// to 2000; zero values mean the tenant's defaults).
func (c *Client) NewDeviceRequests(ctx context.Context, cr Credentials, page, pageSize int) ([]NewDeviceRequest, error) {
	var out struct {
		NewDeviceRequests []NewDeviceRequest `json:"newDeviceRequests"`
	}
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/devicecontrol/newDeviceRequests", cr: &cr,
		accept: ndrType + "Collection", query: paging(page, pageSize), out: &out}); err != nil {
		return nil, err
	}
	return out.NewDeviceRequests, nil
}

func paging(page, pageSize int) url.Values {
	q := url.Values{}
	if page > 0 {
		q.Set("currentPage", strconv.Itoa(page))
	}
	if pageSize > 0 {
		q.Set("pageSize", strconv.Itoa(pageSize))
	}
	return q
}

// DeviceCredentials are what an accepted device gets, once.
type DeviceCredentials struct {
	ID       string `json:"id"`
	TenantID string `json:"tenantId"`
	Username string `json:"username"`
	Password string `json:"password"`
}

// Credentials are the device user's Basic credentials, "<tenant>/device_<id>".
func (d *DeviceCredentials) Credentials() Credentials {
	return Credentials{Tenant: d.TenantID, User: d.Username, Password: d.Password}
}

// String never shows the password.
func (d DeviceCredentials) String() string {
	return fmt.Sprintf("%s/%s:**** (device %s)", d.TenantID, d.Username, d.ID)
}

// GoString never shows the password, even with %#v.
func (d DeviceCredentials) GoString() string { return d.String() }

// RequestDeviceCredentials polls POST /devicecontrol/deviceCredentials with
// the bootstrap credentials. Until the request is accepted the tenant
// answers 404: the error satisfies errors.Is(err, ErrNotYetAccepted) (and
// ErrNotFound). 401 means the bootstrap credentials are wrong: stop
// polling. Any 2xx is success; the tenant hands the credentials out once.
func (c *Client) RequestDeviceCredentials(ctx context.Context, bootstrap Credentials, deviceID string) (*DeviceCredentials, error) {
	var out DeviceCredentials
	_, err := c.do(ctx, call{method: http.MethodPost, path: "/devicecontrol/deviceCredentials", cr: &bootstrap,
		media: "deviceCredentials", body: map[string]string{"id": deviceID}, out: &out})
	var e *Error
	if errors.As(err, &e) && e.StatusCode == http.StatusNotFound {
		e.notYetAccepted = true
	}
	if err != nil {
		return nil, err
	}
	if out.Username == "" || out.Password == "" {
		return nil, fmt.Errorf("%w: the tenant accepted the device but sent no user name or password", ErrMalformedBody)
	}
	if out.ID == "" {
		out.ID = deviceID
	}
	return &out, nil
}
