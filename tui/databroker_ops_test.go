package tui_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/steps/databroker"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// linkedAt80x24 creates a connector with the cloud user at 80x24 and waits
// until pump-1 is forwarded; it returns pump-1's id in the cloud.
func linkedAt80x24(t *testing.T, bw *stepstest.BrokerWorld, d *driver) string {
	t.Helper()
	d.createConnector("Edge to cloud", "measurements", stepstest.AdminUser, stepstest.AdminPassword)
	d.waitFor("✓ " + databroker.LinkActive)
	b, err := options.NewDataBroker(bw.Env, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := b.ByName(t.Context(), "Edge to cloud")
	bw.Measure(t, "pump-1")
	d.waitFor("Data arriving")
	group, _ := bw.Sim.VirtualGroup(c.Code)
	kids := bw.Sim.Children(group["id"].(string), "childAssets")
	if len(kids) != 1 {
		t.Fatalf("forwarded devices %v", kids)
	}
	return kids[0]
}

// TestLinkScreenShowsAnOperationFromTheCloud: an operation created in the
// cloud for a forwarded device reaches the Edge's device; its answer shows
// on the link screen and returns to the cloud.
func TestLinkScreenShowsAnOperationFromTheCloud(t *testing.T) {
	bw := stepstest.WithDataBroker(t, stepstest.New(t))
	d := newDriver(t, bw.Env, 80, 24)
	remote := linkedAt80x24(t, bw, d)
	cloudOp := bw.Sim.CreateOperation(remote, map[string]any{"c8y_Restart": map[string]any{}, "description": "Restart pump-1"})
	var edgeOp string
	for edgeOp == "" { // the Edge's device: waits for the operation
		if ops := bw.Edge.Operations(tenantsim.OperationFilter{DeviceID: bw.Devices["pump-1"]}); len(ops) == 1 {
			edgeOp = ops[0]["id"].(string)
		}
		d.settle()
	}
	d.waitFor("Restart pump-1 PENDING")
	bw.Edge.SetOperationStatus(edgeOp, tenantsim.OpFailed, "the pump is locked")
	d.waitFor("✗ pump-1 (" + bw.Devices["pump-1"] + "): Restart pump-1 FAILED (the pump is locked)")
	for st, _, _ := bw.Sim.OperationStatus(cloudOp); st != tenantsim.OpFailed; st, _, _ = bw.Sim.OperationStatus(cloudOp) {
		d.settle()
	}
	if _, why, _ := bw.Sim.OperationStatus(cloudOp); why != "the pump is locked" {
		t.Fatalf("the cloud's failure reason %q", why)
	}
	// The list says it in a line.
	d.key("esc")
	d.waitFor("1 operation from the cloud in the last hour: 1 failed")
}

// TestLinkScreenWarnsWhereTheEdgeDoesNotSynchroniseOperations: with the
// broker's switch off, a cloud operation that waited a minute brings the
// warning.
func TestLinkScreenWarnsWhereTheEdgeDoesNotSynchroniseOperations(t *testing.T) {
	bw := stepstest.WithDataBroker(t, stepstest.New(t), func(o *tenantsim.BrokerOptions) { o.NoOperations = true })
	d := newDriver(t, bw.Env, 80, 24)
	remote := linkedAt80x24(t, bw, d)
	bw.Sim.CreateOperation(remote, map[string]any{"c8y_Restart": map[string]any{}})
	bw.Env.Now = func() time.Time { return time.Now().Add(databroker.NotTakenUpAfter + time.Second) }
	d.key("r")
	d.waitFor("does not synchronise operations")
}

// TestLinkScreenNamesACloudAnswering500: one failed look at the cloud is
// on the screen with what the cloud answered.
func TestLinkScreenNamesACloudAnswering500(t *testing.T) {
	bw := stepstest.WithDataBroker(t, stepstest.New(t))
	d := newDriver(t, bw.Env, 80, 24)
	linkedAt80x24(t, bw, d)
	// Only the next look at the cloud fails (the broker itself never reads
	// measurements there): the screen must name it from that one look.
	bw.Sim.SetFault(tenantsim.Fault{PathPrefix: "/measurement/measurements", Method: http.MethodGet, Count: 1, Status: http.StatusInternalServerError})
	d.send(keyMsg("r")) // no settle: the screen is read after every message
	d.waitFor("500")
	if scr := flatten(d.screen()); !strings.Contains(scr, "counting the measurements that arrived in the cloud tenant failed") {
		t.Fatalf("the screen does not say what failed:\n%s", d.screen())
	}
}
