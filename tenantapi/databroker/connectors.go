// Package databroker is the Cumulocity Data Broker on the wire: the
// connectors of a source tenant (on an Edge: its own tenant "edge") and the
// data subscriptions of the destination tenant (the cloud). Every request
// goes through tenantapi.Client.Do, so it authenticates like every other
// call (Basic or OAI-Secure, tenantapi.AuthHeader).
//
// No OpenAPI description of the Data Broker exists; the facts are from the
// project's REST reference (the platform UI packages, docs and the retired
// Java SDK model). Where it is silent this package says "guess".
package databroker

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"github.com/edge-setup/edge-setup/tenantapi"
)

// Connector statuses on the wire (status and destinationStatus).
const (
	StatusWaiting    = "WAITING"
	StatusActivating = "ACTIVATING"
	StatusActive     = "ACTIVE"
	StatusSuspended  = "SUSPENDED"
)

// The APIs a filter can select.
const (
	APIAlarm         = "alarm"
	APIEvent         = "event"
	APIMeasurement   = "measurement"
	APIManagedObject = "managedObject"
	APIOperation     = "operation"
	APIAll           = "*"
)

// Filter selects what a connector forwards.
type Filter struct {
	APIs []string `json:"apis"`
	// SourceID is one device; DeviceGroupID a group (subgroups included);
	// neither: all objects.
	SourceID          string   `json:"sourceId,omitempty"`
	DeviceGroupID     string   `json:"deviceGroupId,omitempty"`
	FragmentsToFilter []string `json:"fragmentsToFilter,omitempty"`
	// FragmentsToCopy nil copies all fragments.
	FragmentsToCopy []string `json:"fragmentsToCopy"`
	TypeFilter      string   `json:"typeFilter"`
}

// Connector is one data connector of the source tenant. The server owns
// ID, Status, DestinationStatus, SuspendReason, TenantID, Code and
// LastSync; the broker's own user name and password are not read at all.
type Connector struct {
	ID                string
	Name              string
	Description       string
	InstanceURL       string
	Filters           []Filter
	Status            string
	DestinationStatus string
	SuspendReason     string
	TenantID          string
	Code              string    // the security code the destination subscribes with
	LastSync          time.Time // zero: never synchronised
}

type wireConnector struct {
	ID                      string   `json:"id,omitempty"`
	Name                    string   `json:"name"`
	Description             string   `json:"description"`
	InstanceURL             string   `json:"instanceUrl,omitempty"`
	Filters                 []Filter `json:"filters"`
	Status                  string   `json:"status,omitempty"`
	DestinationStatus       string   `json:"destinationStatus,omitempty"`
	SuspendReason           string   `json:"suspendReason,omitempty"`
	TenantID                string   `json:"tenantId,omitempty"`
	Code                    string   `json:"code,omitempty"`
	LastSynchronizationTime string   `json:"lastSynchronizationTime,omitempty"`
}

// UnmarshalJSON reads the wire form, tolerating odd time formats.
func (c *Connector) UnmarshalJSON(data []byte) error {
	var w wireConnector
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	t, _ := time.Parse(time.RFC3339Nano, w.LastSynchronizationTime)
	*c = Connector{ID: w.ID, Name: w.Name, Description: w.Description, InstanceURL: w.InstanceURL, Filters: w.Filters,
		Status: w.Status, DestinationStatus: w.DestinationStatus, SuspendReason: w.SuspendReason,
		TenantID: w.TenantID, Code: w.Code, LastSync: t}
	return nil
}

// String never shows the security code: it is what lets a tenant subscribe.
func (c Connector) String() string {
	return fmt.Sprintf("connector %s %q -> %s (%s/%s)", c.ID, c.Name, Redact(c.InstanceURL), c.Status, c.DestinationStatus)
}

// GoString never shows the security code, even with %#v.
func (c Connector) GoString() string { return c.String() }

// MediaType names the connector resource (the UI's name; go-c8y-cli writes
// databrokerConnector, and plain JSON is accepted too).
const MediaType = "connector"

const collectionPath = "/databroker/connectors"

func connectorPath(id string) string { return collectionPath + "/" + url.PathEscape(id) }

// Client is the Data Broker API of one tenant as one user.
type Client struct {
	API *tenantapi.Client
	As  tenantapi.Credentials
}

// maxPages bounds a listing: 2000 connectors per page, 5 pages.
const (
	pageSize = 2000
	maxPages = 5
)

// Connectors lists the connectors (every page, bounded).
func (c *Client) Connectors(ctx context.Context) ([]Connector, error) {
	var all []Connector
	for p := 1; p <= maxPages; p++ {
		var out struct {
			Connectors []Connector `json:"connectors"`
			Next       string      `json:"next"`
		}
		if err := c.API.Do(ctx, tenantapi.Request{Method: http.MethodGet, Path: collectionPath, Query: tenantapi.Paging(p, pageSize),
			As: &c.As, Media: MediaType, Accept: MediaType + "Collection", Out: &out}); err != nil {
			return nil, err
		}
		all = append(all, out.Connectors...)
		if len(out.Connectors) < pageSize {
			break
		}
	}
	return all, nil
}

// Connector reads one connector; a missing one satisfies
// errors.Is(err, tenantapi.ErrNotFound).
func (c *Client) Connector(ctx context.Context, id string) (*Connector, error) {
	var out Connector
	if err := c.API.Do(ctx, tenantapi.Request{Method: http.MethodGet, Path: connectorPath(id), As: &c.As, Media: MediaType, Out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// NewConnector is what the operator chooses; the server owns the rest.
type NewConnector struct {
	Name        string
	Description string
	InstanceURL string
	Filters     []Filter
}

// Create saves a connector and returns it as the server holds it (with
// its security code).
func (c *Client) Create(ctx context.Context, n NewConnector) (*Connector, error) {
	var out Connector
	body := wireConnector{Name: n.Name, Description: n.Description, InstanceURL: n.InstanceURL, Filters: n.Filters}
	if err := c.API.Do(ctx, tenantapi.Request{Method: http.MethodPost, Path: collectionPath, As: &c.As, Media: MediaType, Body: body, Out: &out}); err != nil {
		return nil, err
	}
	if out.ID == "" {
		return nil, fmt.Errorf("%w: the Edge saved the connector but sent no id", tenantapi.ErrMalformedBody)
	}
	return &out, nil
}

// Edit changes what may change once saved: name, description and filters
// (the target URL is fixed).
func (c *Client) Edit(ctx context.Context, id, name, description string, filters []Filter) (*Connector, error) {
	var out Connector
	body := map[string]any{"name": name, "description": description, "filters": filters}
	if err := c.API.Do(ctx, tenantapi.Request{Method: http.MethodPut, Path: connectorPath(id), As: &c.As, Media: MediaType, Body: body, Out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// Suspend stops forwarding; Resume starts it again.
func (c *Client) Suspend(ctx context.Context, id string) (*Connector, error) {
	return c.setStatus(ctx, id, StatusSuspended)
}

// Resume asks the connector to forward again.
func (c *Client) Resume(ctx context.Context, id string) (*Connector, error) {
	return c.setStatus(ctx, id, StatusActive)
}

func (c *Client) setStatus(ctx context.Context, id, status string) (*Connector, error) {
	var out Connector
	if err := c.API.Do(ctx, tenantapi.Request{Method: http.MethodPut, Path: connectorPath(id), As: &c.As, Media: MediaType,
		Body: map[string]string{"status": status}, Out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// Delete removes a connector: forwarding stops, the destination keeps what
// it received.
func (c *Client) Delete(ctx context.Context, id string) error {
	return c.API.Do(ctx, tenantapi.Request{Method: http.MethodDelete, Path: connectorPath(id), As: &c.As, Media: MediaType})
}

// userInfo is the user:password@ of a URL in a text.
var userInfo = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)([^/\s@]*)@`)

// Redact hides the user information of every URL in s (a connector's
// instanceUrl may carry a user and password): "https://****@host". It is
// a secret like every password, never shown or logged.
func Redact(s string) string {
	return userInfo.ReplaceAllString(s, "${1}****@")
}
