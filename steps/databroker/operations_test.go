package databroker

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/tenantapi"
	wire "github.com/edge-setup/edge-setup/tenantapi/databroker"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// linked is w with an active connector forwarding pump-1; it returns the
// connector's id and pump-1's id in the cloud.
func linked(t *testing.T, w *world) (connID, remote string) {
	t.Helper()
	ctx := context.Background()
	_, c, err := w.b.Ensure(ctx, wanted(t, w, "measurements"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.b.Follow(ctx, c.ID, true, 10*time.Second, fastSleep, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := w.edge.CreateMeasurement(w.dev, "c8y_T", map[string]any{"c8y_T": map[string]any{"T": map[string]any{"value": 1}}}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "pump-1 is forwarded", func() bool { return len(w.cloud.Measurements(tenantsim.Filter{})) == 1 })
	remote, _ = w.cloud.Measurements(tenantsim.Filter{})[0]["source"].(map[string]any)["id"].(string)
	return c.ID, remote
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second) // a hang guard only
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestOperationFromTheCloudCompletesOnTheEdge: an operation created in the
// cloud for a forwarded device reaches the Edge's device; the status the
// device sets returns to the cloud, and B shows it with its state.
func TestOperationFromTheCloudCompletesOnTheEdge(t *testing.T) {
	w := newWorld(t, true)
	connID, remote := linked(t, w)
	cloudOp := w.cloud.CreateOperation(remote, map[string]any{"c8y_Restart": map[string]any{}})
	var edgeOp string
	waitFor(t, "the operation reaches the Edge's device", func() bool {
		ops := w.edge.Operations(tenantsim.OperationFilter{DeviceID: w.dev, Status: tenantsim.OpPending})
		if len(ops) == 1 {
			edgeOp, _ = ops[0]["id"].(string)
		}
		return edgeOp != ""
	})
	w.edge.SetOperationStatus(edgeOp, tenantsim.OpExecuting, "")
	w.edge.SetOperationStatus(edgeOp, tenantsim.OpSuccessful, "")
	waitFor(t, "the cloud sees SUCCESSFUL", func() bool { st, _, _ := w.cloud.OperationStatus(cloudOp); return st == tenantsim.OpSuccessful })
	out := w.b.Poll(context.Background(), connID)
	ops := out.Operations
	if ops.Unknown != "" || ops.NotSynchronised || len(ops.List) != 1 {
		t.Fatalf("operations as B sees them: %+v", ops)
	}
	got := ops.List[0]
	if got.CloudID != cloudOp || got.EdgeID != edgeOp || got.Status != tenantapi.OpSuccessful || got.Device != "pump-1 ("+w.dev+")" || got.What != "c8y_Restart" {
		t.Fatalf("operation %+v", got)
	}
	// The overview (databroker status) shows the same.
	ov, err := w.b.Overview(context.Background())
	if err != nil || len(ov.Connectors[0].Operations.List) != 1 || ov.Connectors[0].Operations.List[0].Status != tenantapi.OpSuccessful {
		t.Fatalf("overview %+v %v", ov, err)
	}
}

// TestEdgeThatDoesNotSynchroniseOperations: with the broker's switch off the
// cloud's operation stays PENDING; after NotTakenUpAfter B warns.
func TestEdgeThatDoesNotSynchroniseOperations(t *testing.T) {
	w := newWorld(t, true, func(o *tenantsim.BrokerOptions) { o.NoOperations = true })
	connID, remote := linked(t, w)
	cloudOp := w.cloud.CreateOperation(remote, map[string]any{"c8y_Restart": map[string]any{}})
	out := w.b.Poll(context.Background(), connID)
	if out.Operations.NotSynchronised || len(out.Operations.List) != 1 || out.Operations.List[0].EdgeID != "" {
		t.Fatalf("at once: %+v (no warning before the operation had time to come through)", out.Operations)
	}
	w.b.Now = func() time.Time { return time.Now().Add(NotTakenUpAfter + time.Second) }
	out = w.b.Poll(context.Background(), connID)
	if !out.Operations.NotSynchronised || out.Operations.List[0].CloudID != cloudOp || out.Operations.List[0].Status != tenantapi.OpPending {
		t.Fatalf("after %s: %+v", NotTakenUpAfter, out.Operations)
	}
}

// TestCloudAnswering500IsNamedAtOnce: the first look names what the cloud
// answered, and following stops after MaxFailedLooks instead of waiting out
// its timeout.
func TestCloudAnswering500IsNamedAtOnce(t *testing.T) {
	w := newWorld(t, true)
	ctx := context.Background()
	_, c, err := w.b.Ensure(ctx, wanted(t, w, "measurements"))
	if err != nil {
		t.Fatal(err)
	}
	w.cloud.SetFault(tenantsim.Fault{Status: http.StatusInternalServerError})
	var seen []LinkOutcome
	_, err = w.b.Follow(ctx, c.ID, true, time.Hour, fastSleep, func(o LinkOutcome) { seen = append(seen, o) })
	if len(seen) == 0 || !strings.Contains(seen[0].Trouble(), "500") {
		t.Fatalf("first look: %+v", seen)
	}
	if !errors.Is(err, ErrCloudFailing) || !strings.Contains(err.Error(), "500") {
		t.Fatalf("follow: %v", err)
	}
}

// TestAlarmReadIsOneRequest: 2,000 c8y_DataBroker objects, one alarm
// query per read, each alarm once.
func TestAlarmReadIsOneRequest(t *testing.T) {
	w := newWorld(t, false)
	ctx := context.Background()
	_, c, err := w.b.Ensure(ctx, wanted(t, w, "measurements"))
	if err != nil {
		t.Fatal(err)
	}
	var first string
	for i := range 2000 {
		id := w.edge.AddManagedObject("admin", map[string]any{"name": "Data Broker", "type": wire.BrokerObjectType,
			"c8y_DataBroker": map[string]any{"connectorId": c.ID}})
		if i == 0 {
			first = id
		}
	}
	if _, err := w.edge.CreateAlarm(first, "c8y_DataBroker_DestinationUnreachable", "cannot reach the cloud", tenantsim.SeverityCritical, nil); err != nil {
		t.Fatal(err)
	}
	var alarmReads atomic.Int32
	counting := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/alarm/alarms" {
			alarmReads.Add(1)
		}
		w.edge.ServeHTTP(rw, r)
	}))
	defer counting.Close()
	api, _ := tenantapi.New(tenantapi.Options{BaseURL: counting.URL, Timeout: 5 * time.Second})
	b := &Broker{Edge: &wire.Client{API: api, As: w.b.Edge.As}, CloudURL: w.b.CloudURL}
	ov, err := b.Overview(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := alarmReads.Load(); n != 1 {
		t.Fatalf("%d alarm requests for one read, want 1", n)
	}
	if a := ov.Connectors[0].Alarms; len(a) != 1 || a[0].Severity != "CRITICAL" {
		t.Fatalf("alarms %+v: want the one alarm, once", a)
	}
}
