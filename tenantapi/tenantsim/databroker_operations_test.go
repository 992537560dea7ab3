package tenantsim

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// linkedPair is an Edge tenant forwarding one device to an accepted cloud
// tenant; it returns the device here, its id in the cloud and the
// connector's id.
func linkedPair(t *testing.T, o BrokerOptions) (edge, cloud *Sim, dev, remote, connID string) {
	t.Helper()
	cloud, cloudSrv := newServer(t)
	cloud.AddUser(User{Name: "admin", Password: adminPW, Roles: append(AllRoles(), BrokerRoles()...)})
	edge, edgeSrv := newEdgeServer(t)
	dev = edge.AddManagedObject("admin", map[string]any{"name": "pump-1", "c8y_IsDevice": map[string]any{}})
	body := strings.Replace(goodConnector, "https://cloud.example.com", cloudSrv.URL, 1)
	a := send(t, edgeSrv, edgeAdmin(http.MethodPost, "/databroker/connectors", body))
	wantStatus(t, a, http.StatusCreated, "")
	connID, code := a.json["id"].(string), a.json["code"].(string)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	o.BootstrapPassword, o.Interval = bootPW, 10*time.Millisecond
	go func() { done <- edge.RunBroker(ctx, o) }()
	t.Cleanup(func() { cancel(); <-done })
	if err := cloud.AddDataSubscription(code); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the subscription is pending", func() bool { st, _ := cloud.RequestStatus(code); return st == StatusPending })
	if err := cloud.Accept(code); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the connector is active", func() bool { st, _ := connectorState(t, edge, connID); return st == ConnectorActive })
	if _, err := edge.CreateMeasurement(dev, "c8y_Temperature", map[string]any{"c8y_Temperature": map[string]any{"T": map[string]any{"value": 21}}}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the device is forwarded", func() bool { return len(cloud.Measurements(Filter{})) == 1 })
	remote = mapOf(cloud.Measurements(Filter{})[0]["source"])["id"].(string)
	return edge, cloud, dev, remote, connID
}

// TestBrokerOperationRoundTrip: an operation created in the cloud for a
// forwarded device reaches the original device on the Edge, marked with
// where it came from, and the status the device sets goes back to the
// cloud (EXECUTING, then SUCCESSFUL; FAILED with its reason).
func TestBrokerOperationRoundTrip(t *testing.T) {
	edge, cloud, dev, remote, connID := linkedPair(t, BrokerOptions{})
	for _, end := range []struct{ status, reason string }{{OpSuccessful, ""}, {OpFailed, "the pump is locked"}} {
		cloudOp := cloud.CreateOperation(remote, map[string]any{"c8y_Restart": map[string]any{}, "description": "Restart pump-1"})
		var local map[string]any
		waitUntil(t, "the operation reaches the Edge", func() bool {
			for _, o := range edge.Operations(OperationFilter{DeviceID: dev}) {
				if mapOf(o[BrokerOperationFragment])["operationId"] == cloudOp {
					local = o
					return true
				}
			}
			return false
		})
		if _, ok := local["c8y_Restart"]; !ok || local["description"] != "Restart pump-1" || mapOf(local[BrokerOperationFragment])["connectorId"] != connID {
			t.Fatalf("operation on the Edge %v: want the cloud's fragments and where it came from", local)
		}
		id := local["id"].(string)
		edge.SetOperationStatus(id, OpExecuting, "")
		waitUntil(t, "EXECUTING reaches the cloud", func() bool { st, _, _ := cloud.OperationStatus(cloudOp); return st == OpExecuting })
		edge.SetOperationStatus(id, end.status, end.reason)
		waitUntil(t, end.status+" reaches the cloud", func() bool {
			st, why, _ := cloud.OperationStatus(cloudOp)
			return st == end.status && why == end.reason
		})
	}
	if n := len(edge.Operations(OperationFilter{DeviceID: dev})); n != 2 {
		t.Fatalf("%d operations on the Edge for two from the cloud", n)
	}
}

// TestBrokerNoOperations: with the switch off (later Edge releases) the
// cloud's operation stays PENDING and nothing reaches the Edge.
func TestBrokerNoOperations(t *testing.T) {
	edge, cloud, dev, remote, _ := linkedPair(t, BrokerOptions{NoOperations: true})
	cloudOp := cloud.CreateOperation(remote, map[string]any{"c8y_Restart": map[string]any{}})
	// Data still flows after the operation: the rounds went on past it.
	if _, err := edge.CreateMeasurement(dev, "c8y_Temperature", map[string]any{"c8y_Temperature": map[string]any{"T": map[string]any{"value": 22}}}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "a later measurement arrives", func() bool { return len(cloud.Measurements(Filter{})) == 2 })
	if ops := edge.Operations(OperationFilter{DeviceID: dev}); len(ops) != 0 {
		t.Fatalf("operations reached the Edge with the switch off: %v", ops)
	}
	if st, _, _ := cloud.OperationStatus(cloudOp); st != OpPending {
		t.Fatalf("cloud operation %s, want PENDING", st)
	}
}
