package databroker

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/edge-setup/edge-setup/tenantapi"
	wire "github.com/edge-setup/edge-setup/tenantapi/databroker"
)

// Operations from the cloud: the Edge's post-installation guide promises
// that operations created in the cloud tenant for a forwarded device reach
// the Edge's device, and its status comes back; later Edge releases
// document that their broker does not synchronise operations. B shows
// what came in the last OperationsWindow (read on the Edge, one bounded
// query) and, with a cloud tenant user, the cloud's operations for the
// forwarded devices that the Edge never took up (then the warning).

// OperationsWindow is how far back the operations shown reach.
const OperationsWindow = time.Hour

// NotTakenUpAfter: a cloud operation still PENDING after this, with no
// copy on the Edge, means the Edge does not synchronise operations (the
// broker takes them up within seconds where it does).
const NotTakenUpAfter = time.Minute

// maxOperations bounds each operations query (newest first).
const maxOperations = 100

// NoOperationsWarning is said where the Edge does not take the cloud's
// operations up.
const NoOperationsWarning = "this Edge's Data Broker does not synchronise operations (later Edge releases document this): " +
	"operations created in the cloud for the Edge's devices stay PENDING there. Run them on the Edge itself " +
	"(its Device Management at the Edge's URL), or cancel them in the cloud."

// CloudOperation is an operation created in the cloud for a forwarded
// device, as far as B knows it (text made safe).
type CloudOperation struct {
	CloudID       string // the cloud's id ("" when unknown)
	EdgeID        string // the Edge's copy ("" when the Edge never took it up)
	Device        string // the device's name (or id)
	What          string // the description, or the operation's fragments
	Status        string
	FailureReason string
	Created       time.Time
}

// Operations are a connector's operations from the cloud in the last
// OperationsWindow, newest first.
type Operations struct {
	List []CloudOperation
	// Unknown says why they could not be read ("" when they were).
	Unknown string
	// NotSynchronised: a cloud operation for a forwarded device waited
	// NotTakenUpAfter without reaching the Edge (NoOperationsWarning).
	NotSynchronised bool
}

// edgeOperations reads the operations the Edge took up from the cloud in
// the window, by connector id: one request whatever the connectors.
func (b *Broker) edgeOperations(ctx context.Context) (map[string][]CloudOperation, error) {
	list, err := b.Edge.API.ListOperations(ctx, b.Edge.As, tenantapi.OperationQuery{FragmentType: wire.BrokerOperationFragment,
		DateFrom: b.now().Add(-OperationsWindow), Revert: true, PageSize: maxOperations, MaxItems: maxOperations})
	if err != nil {
		return nil, explain("reading the operations from the cloud on the Edge failed", err)
	}
	out := map[string][]CloudOperation{}
	var names map[string]string
	for _, o := range list {
		origin, _ := o.Fragments[wire.BrokerOperationFragment].(map[string]any)
		conn, _ := origin["connectorId"].(string)
		if conn == "" {
			continue
		}
		if names == nil {
			names = b.deviceNames(ctx)
		}
		cloudID, _ := origin["operationId"].(string)
		out[conn] = append(out[conn], CloudOperation{CloudID: safeLine(cloudID), EdgeID: safeLine(o.ID),
			Device: named(o.DeviceID, names), What: operationWhat(o), Status: safeLine(o.Status),
			FailureReason: safeLine(o.FailureReason), Created: o.CreationTime})
	}
	return out, nil
}

// deviceNames are the Edge's device names by id (empty when unreadable).
func (b *Broker) deviceNames(ctx context.Context) map[string]string {
	names := map[string]string{}
	if objs, err := b.Edge.Objects(ctx, "c8y_IsDevice"); err == nil {
		for _, o := range objs {
			names[o.ID] = o.Name
		}
	}
	return names
}

// notTakenUp adds the cloud's operations for the group's devices that the
// Edge holds no copy of; it reports whether one waited too long.
func (b *Broker) notTakenUp(ctx context.Context, g *wire.VirtualGroup, ops *Operations) error {
	if b.Cloud == nil || g == nil || len(g.Children) == 0 {
		return nil
	}
	list, err := b.Cloud.API.ListOperations(ctx, b.Cloud.As, tenantapi.OperationQuery{DateFrom: b.now().Add(-OperationsWindow),
		Revert: true, PageSize: maxOperations, MaxItems: maxOperations})
	if err != nil {
		return explain("reading the cloud tenant's operations failed", err)
	}
	for _, o := range list {
		if !slices.Contains(g.Children, o.DeviceID) || slices.ContainsFunc(ops.List, func(c CloudOperation) bool { return c.CloudID == o.ID }) {
			continue
		}
		ops.List = append(ops.List, CloudOperation{CloudID: safeLine(o.ID), Device: "cloud device " + safeLine(o.DeviceID),
			What: operationWhat(o), Status: safeLine(o.Status), FailureReason: safeLine(o.FailureReason), Created: o.CreationTime})
		if o.Status == tenantapi.OpPending && !o.CreationTime.IsZero() && b.now().Sub(o.CreationTime) >= NotTakenUpAfter {
			ops.NotSynchronised = true
		}
	}
	slices.SortStableFunc(ops.List, func(x, y CloudOperation) int { return y.Created.Compare(x.Created) })
	return nil
}

// operationWhat names an operation: its description, else its c8y_
// fragments.
func operationWhat(o tenantapi.Operation) string {
	if d, _ := o.Fragments["description"].(string); strings.TrimSpace(d) != "" {
		return safeLine(d)
	}
	var frags []string
	for k := range o.Fragments {
		if strings.HasPrefix(k, "c8y_") && k != wire.BrokerOperationFragment {
			frags = append(frags, safeLine(k))
		}
	}
	slices.Sort(frags)
	if len(frags) == 0 {
		return "operation " + safeLine(o.ID)
	}
	return strings.Join(frags, ", ")
}

// Line is one operation in a line: "pump-1: c8y_Restart SUCCESSFUL (12:03:04)".
func (o CloudOperation) Line() string {
	s := fmt.Sprintf("%s: %s %s", o.Device, o.What, o.Status)
	if o.FailureReason != "" {
		s += " (" + o.FailureReason + ")"
	}
	if o.EdgeID == "" && o.Status == tenantapi.OpPending {
		s += ", not taken up by the Edge yet"
	}
	if !o.Created.IsZero() {
		s += " · " + o.Created.Local().Format("15:04:05")
	}
	return s
}

// inFlight: an operation from the cloud is not finished yet.
func (o Operations) inFlight() bool {
	return slices.ContainsFunc(o.List, func(c CloudOperation) bool {
		return c.Status == tenantapi.OpPending || c.Status == tenantapi.OpExecuting
	})
}

// Summary is the operations in a few words for a list ("" when none):
// "2 operations from the cloud in the last hour: 1 successful, 1 executing".
func (o Operations) Summary() string {
	if len(o.List) == 0 {
		return ""
	}
	counts := map[string]int{}
	var order []string
	for _, c := range o.List {
		st := strings.ToLower(c.Status)
		if counts[st] == 0 {
			order = append(order, st)
		}
		counts[st]++
	}
	var parts []string
	for _, st := range order {
		parts = append(parts, fmt.Sprintf("%d %s", counts[st], st))
	}
	return CountOf(len(o.List), "operation") + " from the cloud in the last hour: " + strings.Join(parts, ", ")
}
