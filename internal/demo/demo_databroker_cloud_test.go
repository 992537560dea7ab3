package demo

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/tenantapi"
	wire "github.com/edge-setup/edge-setup/tenantapi/databroker"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// TestDemoCloudRoundTrip: the demo's o subscribes, accepts, then creates an
// operation in the cloud for a forwarded device; the demo's device on the
// Edge answers it and the cloud sees SUCCESSFUL.
func TestDemoCloudRoundTrip(t *testing.T) {
	roles := append(tenantsim.AllRoles(), tenantsim.BrokerRoles()...)
	cloud := tenantsim.New(tenantsim.Options{BootstrapPassword: "boot-pw-1", Users: []tenantsim.User{{Name: "admin", Password: "pw-123456", Roles: roles}}})
	edge := tenantsim.New(tenantsim.Options{TenantID: "edge", Users: []tenantsim.User{{Name: "admin", Password: "pw-123456", Roles: roles}}})
	cs, es := httptest.NewServer(cloud), httptest.NewServer(edge)
	defer cs.Close()
	defer es.Close()
	dev := edge.AddManagedObject("admin", map[string]any{"name": "pump-1", "c8y_IsDevice": map[string]any{}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	defer func() { cancel(); <-done; <-done }()
	go func() {
		_ = edge.RunBroker(ctx, tenantsim.BrokerOptions{BootstrapPassword: "boot-pw-1", Interval: 10 * time.Millisecond})
		done <- struct{}{}
	}()
	go func() { demoAnswerOperations(ctx, edge, []string{dev}); done <- struct{}{} }()
	api, _ := tenantapi.New(tenantapi.Options{BaseURL: es.URL})
	c, err := (&wire.Client{API: api, As: tenantapi.Credentials{Tenant: "edge", User: "admin", Password: "pw-123456"}}).Create(ctx,
		wire.NewConnector{Name: "demo", InstanceURL: cs.URL, Filters: []wire.Filter{{APIs: []string{wire.APIMeasurement}}}})
	if err != nil {
		t.Fatal(err)
	}
	dc := newDemoCloud(cloud)
	until := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second) // a hang guard only
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting until %s", what)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	act := func(want string) {
		t.Helper()
		note, err := dc.Act(ctx, c.Code)
		if err != nil || !strings.Contains(note, want) {
			t.Fatalf("o: %q %v, want %q", note, err, want)
		}
	}
	act("added a data subscription")
	until("pending", func() bool { st, _ := cloud.RequestStatus(c.Code); return st == tenantsim.StatusPending })
	act("accepted the data subscription")
	until("linked", func() bool { _, ok := cloud.VirtualGroup(c.Code); return ok })
	act("no device is forwarded yet")
	until("pump-1 forwarded", func() bool {
		_, _ = edge.CreateMeasurement(dev, "c8y_T", map[string]any{"c8y_T": map[string]any{"T": map[string]any{"value": 1}}})
		return len(cloud.Measurements(tenantsim.Filter{})) > 0
	})
	act("created operation")
	until("the cloud sees SUCCESSFUL", func() bool {
		note, running := dc.Seen(c.Code)
		return !running && strings.HasSuffix(note, "is SUCCESSFUL.")
	})
}
