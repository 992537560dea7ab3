package tenantapi

import (
	"context"
	"net/http"
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

// FragmentRemoteAccessConnect is the fragment of a remote access session's operation.
const FragmentRemoteAccessConnect = "c8y_RemoteAccessConnect"

// ConnectOperations lists the device's c8y_RemoteAccessConnect operations
// created since the given time, newest first (as a tenant user, to learn
// what became of a session the service opened). The answer is filtered
// and sorted here again, so a server that ignores a filter gives the same
// result.
func (c *Client) ConnectOperations(ctx context.Context, cr Credentials, moID string, since time.Time) ([]Operation, error) {
	ops, err := c.ListOperations(ctx, cr, OperationQuery{DeviceID: moID, FragmentType: FragmentRemoteAccessConnect,
		DateFrom: since, Revert: true, PageSize: 20, MaxItems: 20})
	if err != nil {
		return nil, err
	}
	ops = slices.DeleteFunc(ops, func(o Operation) bool {
		_, ok := o.Fragments[FragmentRemoteAccessConnect]
		return !ok || (o.DeviceID != "" && o.DeviceID != moID) || (!o.CreationTime.IsZero() && o.CreationTime.Before(since))
	})
	slices.SortStableFunc(ops, func(a, b Operation) int { return b.CreationTime.Compare(a.CreationTime) })
	return ops, nil
}
