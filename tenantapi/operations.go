package tenantapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// Operation statuses on the wire.
const (
	OpPending    = "PENDING"
	OpExecuting  = "EXECUTING"
	OpSuccessful = "SUCCESSFUL"
	OpFailed     = "FAILED"
)

// Operation is a device operation; Fragments holds the whole object (e.g.
// "c8y_RemoteAccessConnect").
type Operation struct {
	ID            string
	DeviceID      string
	Status        string
	FailureReason string
	CreationTime  time.Time // zero when absent or unreadable
	// DeviceExternalIDs are the device's external IDs; the platform sends
	// them only in lists queried by agentId.
	DeviceExternalIDs []ExternalID
	Fragments         map[string]any
}

// ExternalID is an external ID of a managed object (e.g. type c8y_Serial).
type ExternalID struct {
	Type       string `json:"type"`
	ExternalID string `json:"externalId"`
}

// UnmarshalJSON keeps every fragment besides the known fields.
func (o *Operation) UnmarshalJSON(data []byte) error {
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	s := func(k string) string { v, _ := m[k].(string); return v }
	*o = Operation{ID: s("id"), DeviceID: s("deviceId"), Status: s("status"), FailureReason: s("failureReason"), Fragments: m}
	o.CreationTime, _ = time.Parse(time.RFC3339Nano, s("creationTime"))
	var ext struct {
		DeviceExternalIDs struct {
			ExternalIDs []ExternalID `json:"externalIds"`
		} `json:"deviceExternalIDs"`
	}
	if json.Unmarshal(data, &ext) == nil {
		o.DeviceExternalIDs = ext.DeviceExternalIDs.ExternalIDs
	}
	return nil
}

// Operations lists the operations for an agent, optionally by status
// (e.g. PENDING), up to 100 of them.
func (c *Client) Operations(ctx context.Context, cr Credentials, agentID, status string) ([]Operation, error) {
	q := paging(1, 100)
	if agentID != "" {
		q.Set("agentId", agentID)
	}
	if status != "" {
		q.Set("status", status)
	}
	var out struct {
		Operations []Operation `json:"operations"`
	}
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/devicecontrol/operations", cr: &cr,
		accept: "operationCollection", query: q, out: &out}); err != nil {
		return nil, err
	}
	return out.Operations, nil
}

// UpdateOperation sets an operation's status (EXECUTING, SUCCESSFUL,
// FAILED); failureReason is sent when not empty.
func (c *Client) UpdateOperation(ctx context.Context, cr Credentials, opID, status, failureReason string) error {
	body := map[string]string{"status": status}
	if failureReason != "" {
		body["failureReason"] = failureReason
	}
	_, err := c.do(ctx, call{method: http.MethodPut, path: "/devicecontrol/operations/" + url.PathEscape(opID),
		cr: &cr, media: "operation", body: body})
	return err
}

// OperationQuery filters ListOperations; zero fields are not sent.
type OperationQuery struct {
	DeviceID     string
	AgentID      string // the agent that executes them (includes its child devices)
	Status       string // PENDING, EXECUTING, SUCCESSFUL, FAILED
	FragmentType string // e.g. c8y_RemoteAccessConnect
	DateFrom     time.Time
	DateTo       time.Time
	Revert       bool // newest first (the platform lists oldest first)

	PageSize int // per request; default 100, at most 2000
	MaxItems int // over all pages; default DefaultMaxItems
}

// ListOperations lists operations over as many pages as needed (up to
// q.MaxItems), oldest first unless q.Revert.
func (c *Client) ListOperations(ctx context.Context, cr Credentials, q OperationQuery) ([]Operation, error) {
	v := url.Values{}
	for k, s := range map[string]string{"deviceId": q.DeviceID, "agentId": q.AgentID, "status": q.Status, "fragmentType": q.FragmentType} {
		if s != "" {
			v.Set(k, s)
		}
	}
	setRange(v, q.DateFrom, q.DateTo, q.Revert)
	return listAll[Operation](ctx, c, getCall("/devicecontrol/operations", &cr, "operationCollection", v), "operations", q.PageSize, q.MaxItems)
}

// CreateOperation asks the device to do something: fragments name what
// (e.g. {"c8y_Restart":{}}, "description"). The tenant stores it PENDING
// and hands it to the device's agent; the answer is the stored operation.
func (c *Client) CreateOperation(ctx context.Context, cr Credentials, deviceID string, fragments map[string]any) (*Operation, error) {
	if deviceID == "" {
		return nil, fmt.Errorf("tenantapi: an operation needs the device's managed object id")
	}
	body := map[string]any{}
	for k, v := range fragments {
		body[k] = v
	}
	body["deviceId"] = deviceID
	var out Operation
	if _, err := c.do(ctx, call{method: http.MethodPost, path: "/devicecontrol/operations", cr: &cr, media: "operation", body: body, out: &out}); err != nil {
		return nil, err
	}
	if out.ID == "" {
		return nil, fmt.Errorf("%w: the tenant created the operation but sent no id", ErrMalformedBody)
	}
	return &out, nil
}

// Operation reads one operation.
func (c *Client) Operation(ctx context.Context, cr Credentials, id string) (*Operation, error) {
	var out Operation
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/devicecontrol/operations/" + url.PathEscape(id), cr: &cr, media: "operation", out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}
