package tenantapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
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
	Fragments     map[string]any
}

// UnmarshalJSON keeps every fragment besides the known fields.
func (o *Operation) UnmarshalJSON(data []byte) error {
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	s := func(k string) string { v, _ := m[k].(string); return v }
	*o = Operation{ID: s("id"), DeviceID: s("deviceId"), Status: s("status"), FailureReason: s("failureReason"), Fragments: m}
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
