package tenantsim

import (
	"context"
	"net/http"
	"net/url"
	"slices"
)

// Operations back from the destination. The Edge's post-installation
// guide: "In the same way, you can push operations from a Cumulocity
// tenant account to Cumulocity IoT Edge devices"; the REST reference marks
// "operation" in a filter as received, not sent. Later Edge releases
// document that their broker does not synchronise operations:
// BrokerOptions.NoOperations simulates those.
//
// Guess: the platform's mechanism is not public. Each round, for every
// active connector, the broker user lists the destination's PENDING
// operations (it sees only the devices it owns, the forwarded ones), and
// one for a forwarded device is created here for the original device,
// with every fragment of the cloud's operation and BrokerOperationFragment
// naming the connector and the cloud's operation. The status the device
// here sets (EXECUTING, SUCCESSFUL, FAILED with its failureReason) is put
// on the cloud's operation in the following rounds. The filters' APIs do
// not matter (a connector forwards operations for every device it
// forwards); at most maxOpsPerRound are taken per round.

// BrokerOperationFragment marks an operation that came from a connector's
// destination: {"connectorId": ..., "operationId": <the destination's id>}.
// Guess: the platform's fragment (if any) is not public.
const BrokerOperationFragment = "c8y_BrokerOperation"

const maxOpsPerRound = 100

// syncedOp is an operation taken from the destination and the status last
// put there.
type syncedOp struct {
	local, sent string
}

// syncOperations takes up new operations from the destination and sends
// back the status of those taken up earlier.
func (f *forwarder) syncOperations(ctx context.Context, c snapshot) error {
	if f.o.NoOperations || len(c.link.remote) == 0 {
		return nil
	}
	if err := f.takeOperations(ctx, c); err != nil {
		return err
	}
	return f.reportOperations(ctx, c)
}

func (f *forwarder) takeOperations(ctx context.Context, c snapshot) error {
	var out struct {
		Operations []map[string]any `json:"operations"`
	}
	q := url.Values{"status": {OpPending}, "pageSize": {itoa(maxOpsPerRound)}}
	if _, err := f.sendAs(ctx, c.link, http.MethodGet, c.instance+"/devicecontrol/operations?"+q.Encode(), "", nil, &out); err != nil {
		return err
	}
	local := map[string]string{}
	for src, dst := range c.link.remote {
		local[dst] = src
	}
	for _, op := range out.Operations {
		remoteID, src := anyID(op["id"]), local[anyID(op["deviceId"])]
		if remoteID == "" || src == "" || c.link.ops[remoteID] != nil {
			continue
		}
		frags := deepCopy(op)
		delete(frags, "self")
		frags[BrokerOperationFragment] = map[string]any{"connectorId": c.id, "operationId": remoteID}
		f.s.mu.Lock()
		o := f.s.createOperationLocked(src, frags)
		f.s.mu.Unlock()
		f.s.flush()
		c.link.ops[remoteID] = &syncedOp{local: o.id, sent: OpPending}
	}
	return nil
}

func (f *forwarder) reportOperations(ctx context.Context, c snapshot) error {
	ids := make([]string, 0, len(c.link.ops))
	for id := range c.link.ops {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, byNumber)
	for _, remoteID := range ids {
		so := c.link.ops[remoteID]
		status, reason, ok := f.s.OperationStatus(so.local)
		if !ok { // deleted here: the cloud's operation fails with a reason
			status, reason = OpFailed, "the operation was deleted on the source tenant"
		}
		if status == so.sent {
			continue
		}
		body := map[string]any{"status": status}
		if status == OpFailed {
			body["failureReason"] = reason
		}
		st, err := f.sendAs(ctx, c.link, http.MethodPut, c.instance+"/devicecontrol/operations/"+url.PathEscape(remoteID), "", body, nil)
		if err != nil {
			return err
		}
		so.sent = status
		if st == http.StatusNotFound || status == OpSuccessful || status == OpFailed {
			delete(c.link.ops, remoteID)
		}
	}
	return nil
}
