package demo

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// Cloud plays the cloud tenant's people on B's link screen (key o):
// the admin who adds and accepts the data subscription, then an operator
// who creates an operation for one forwarded device.
type Cloud struct {
	sim  *tenantsim.Sim
	mu   sync.Mutex
	last map[string]demoOp // security code -> the last operation created
}

type demoOp struct{ id, device string }

func newDemoCloud(sim *tenantsim.Sim) *Cloud {
	return &Cloud{sim: sim, last: map[string]demoOp{}}
}

// Act does the cloud's next step for the connector of code.
func (c *Cloud) Act(_ context.Context, code string) (string, error) {
	if group, linked := c.sim.VirtualGroup(code); linked {
		return c.operation(code, group)
	}
	st, ok := c.sim.RequestStatus(code)
	switch {
	case !ok:
		if err := c.sim.AddDataSubscription(code); err != nil {
			return "", fmt.Errorf("the demo cloud did not take the data subscription: %w", err)
		}
		return "the cloud's admin added a data subscription with the security code; the Edge connects within seconds, then press o again to accept it.", nil
	case st == tenantsim.StatusPending:
		if err := c.sim.Accept(code); err != nil {
			return "", fmt.Errorf("the demo cloud did not accept the subscription: %w", err)
		}
		return "the cloud's admin accepted the data subscription; the Edge takes it up with its next request.", nil
	case st == tenantsim.StatusWaiting:
		return "the subscription waits for the Edge to connect (within seconds); then press o again to accept it.", nil
	}
	return "the data subscription is " + st + ": nothing for the cloud's admin to do.", nil
}

// operation creates a restart in the cloud for the first forwarded device.
func (c *Cloud) operation(code string, group map[string]any) (string, error) {
	gid, _ := group["id"].(string)
	kids := c.sim.Children(gid, "childAssets")
	if len(kids) == 0 {
		return "no device is forwarded yet: the demo's devices send a measurement every few seconds, then press o again.", nil
	}
	dev := kids[0]
	name := dev
	if mo, ok := c.sim.ManagedObject(dev); ok {
		if n, _ := mo["name"].(string); n != "" {
			name = n
		}
	}
	id := c.sim.CreateOperation(dev, map[string]any{"c8y_Restart": map[string]any{}, "description": "Restart " + name + " (DEMO, from the cloud)"})
	c.mu.Lock()
	c.last[code] = demoOp{id: id, device: name}
	c.mu.Unlock()
	return "the cloud's operator created operation " + id + " (restart " + name + ") in the cloud; the Edge takes it up and its device answers.", nil
}

// Seen is what the cloud shows of the last operation Act created, and
// whether it still runs.
func (c *Cloud) Seen(code string) (string, bool) {
	c.mu.Lock()
	op, ok := c.last[code]
	c.mu.Unlock()
	if !ok {
		return "", false
	}
	st, why, _ := c.sim.OperationStatus(op.id)
	running := st == tenantsim.OpPending || st == tenantsim.OpExecuting
	if why != "" {
		st += " (" + why + ")"
	}
	return "in the cloud, operation " + op.id + " for " + op.device + " is " + st + ".", running
}

// demoAnswerOperations lets the demo's Edge devices answer the operations
// created for them: EXECUTING after a second, SUCCESSFUL a second later.
func demoAnswerOperations(ctx context.Context, edge *tenantsim.Sim, devices []string) {
	ids := make(chan string, 100)
	stop := edge.Watch(func(ch tenantsim.Change) {
		dev, _ := ch.Object["deviceId"].(string)
		if ch.API == tenantsim.APIOperation && ch.Action == tenantsim.ActionCreate && slices.Contains(devices, dev) {
			select {
			case ids <- ch.ID:
			default: // more than the demo's devices can answer: the rest stay PENDING
			}
		}
	})
	defer stop()
	pause := func() bool {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(time.Second):
			return true
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case id := <-ids:
			if !pause() {
				return
			}
			edge.SetOperationStatus(id, tenantsim.OpExecuting, "")
			if !pause() {
				return
			}
			edge.SetOperationStatus(id, tenantsim.OpSuccessful, "")
		}
	}
}
