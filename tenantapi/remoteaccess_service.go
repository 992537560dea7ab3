package tenantapi

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"time"
)

// RemoteAccessHealth asks whether the tenant has the Cloud Remote Access
// service (HEAD /service/remoteaccess/health). A tenant that is not
// subscribed answers 404 (errors.Is(err, ErrNotFound)).
func (c *Client) RemoteAccessHealth(ctx context.Context, cr Credentials) error {
	_, err := c.do(ctx, call{method: http.MethodHead, path: "/service/remoteaccess/health", cr: &cr})
	return err
}

// Operation fields beyond the status.
const (
	FragmentRemoteAccessConnect = "c8y_RemoteAccessConnect"
)

// CreationTime is the operation's creationTime, zero when absent or unreadable.
func (o Operation) CreationTime() time.Time {
	s, _ := o.Fragments["creationTime"].(string)
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// ConnectOperations lists the device's c8y_RemoteAccessConnect operations
// created since the given time, newest first (as a tenant user, to learn
// what became of a session the service opened). The filters fragmentType,
// dateFrom and revert are the platform's; the answer is filtered and sorted
// here again, so a server that ignores them gives the same result.
func (c *Client) ConnectOperations(ctx context.Context, cr Credentials, moID string, since time.Time) ([]Operation, error) {
	q := paging(1, 100)
	q.Set("deviceId", moID)
	q.Set("fragmentType", FragmentRemoteAccessConnect)
	q.Set("dateFrom", since.UTC().Format(time.RFC3339Nano))
	q.Set("revert", "true")
	var out struct {
		Operations []Operation `json:"operations"`
	}
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/devicecontrol/operations", cr: &cr,
		accept: "operationCollection", query: q, out: &out}); err != nil {
		return nil, err
	}
	ops := slices.DeleteFunc(out.Operations, func(o Operation) bool {
		_, ok := o.Fragments[FragmentRemoteAccessConnect]
		return !ok || (o.DeviceID != "" && o.DeviceID != moID) || o.CreationTime().Before(since)
	})
	slices.SortStableFunc(ops, func(a, b Operation) int { return b.CreationTime().Compare(a.CreationTime()) })
	return ops, nil
}

// ConnectOperation reads one operation (the status of a remote access session the service opened).
func (c *Client) ConnectOperation(ctx context.Context, cr Credentials, opID string) (*Operation, error) {
	var out Operation
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/devicecontrol/operations/" + url.PathEscape(opID),
		cr: &cr, media: "operation", out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}
