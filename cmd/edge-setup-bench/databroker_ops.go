package main

import (
	"context"
	"errors"
	"time"

	"github.com/edge-setup/edge-setup/tenantapi"
	wire "github.com/edge-setup/edge-setup/tenantapi/databroker"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// operationTrip creates an operation in the cloud (over HTTP, as the cloud
// tenant's user) for the forwarded device and returns the time from the
// POST's answer until the cloud holds it SUCCESSFUL: the broker takes it to
// the Edge, the Edge's device (answering at once, EXECUTING then
// SUCCESSFUL) sets it, the broker puts the status back.
func operationTrip(ctx context.Context, cloud, edge *tenantsim.Sim, dev string, dc *wire.Destination) (time.Duration, error) {
	ms := cloud.Measurements(tenantsim.Filter{})
	if len(ms) == 0 {
		return 0, errors.New("no forwarded device to send an operation to")
	}
	remote, _ := ms[0]["source"].(map[string]any)["id"].(string)
	stop := edge.Watch(func(c tenantsim.Change) {
		if c.API == tenantsim.APIOperation && c.Action == tenantsim.ActionCreate && c.Object["deviceId"] == dev {
			go func() {
				edge.SetOperationStatus(c.ID, tenantsim.OpExecuting, "")
				edge.SetOperationStatus(c.ID, tenantsim.OpSuccessful, "")
			}()
		}
	})
	defer stop()
	op, err := dc.API.CreateOperation(ctx, dc.As, remote, map[string]any{"c8y_Restart": map[string]any{}})
	if err != nil {
		return 0, err
	}
	t0 := time.Now()
	if err := waitCond(ctx, 30*time.Second, func() bool {
		st, _, _ := cloud.OperationStatus(op.ID)
		return st == tenantapi.OpSuccessful
	}); err != nil {
		return 0, errors.New("the operation from the cloud did not come back SUCCESSFUL within 30 s")
	}
	return time.Since(t0), nil
}
