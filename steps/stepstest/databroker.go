package stepstest

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/system"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// Edge platform users and domain of WithDataBroker.
const (
	EdgeAdmin         = "admin"
	EdgeAdminPassword = "Edge-Admin-1"
	EdgeDomain        = "edge.test.local"
)

// BrokerWorld is a World whose Edge platform (tenant "edge") runs a Data
// Broker towards the World's tenant, with devices pump-1 and pump-2 in
// group "Line 1" and chiller-1 on their own.
type BrokerWorld struct {
	*World
	Edge       *tenantsim.Sim
	EdgeServer *httptest.Server
	Devices    map[string]string // name -> managed object id on the Edge
	Group      string
}

// WithDataBroker adds the Edge platform to w: option 2 done (config.dat
// with the Edge admin and domain), the cloud URL configured (option 7),
// the Data Broker roles for both admins, and the forwarding running every
// 10 ms until the test ends.
func WithDataBroker(t testing.TB, w *World, opts ...func(*tenantsim.BrokerOptions)) *BrokerWorld {
	t.Helper()
	roles := append(tenantsim.AllRoles(), tenantsim.BrokerRoles()...)
	w.Sim.AddUser(tenantsim.User{Name: AdminUser, Password: AdminPassword, Roles: roles})
	edge := tenantsim.New(tenantsim.Options{TenantID: options.EdgeTenantID, DomainName: EdgeDomain,
		Users: []tenantsim.User{{Name: EdgeAdmin, Password: EdgeAdminPassword, Roles: roles}}})
	srv := httptest.NewServer(edge)
	bw := &BrokerWorld{World: w, Edge: edge, EdgeServer: srv, Devices: map[string]string{}}
	w.Env.EdgeURL = srv.URL
	bw.Group = edge.AddManagedObject(EdgeAdmin, map[string]any{"name": "Line 1", "c8y_IsDeviceGroup": map[string]any{}})
	for _, n := range []string{"pump-1", "pump-2", "chiller-1"} {
		id := edge.AddManagedObject(EdgeAdmin, map[string]any{"name": n, "c8y_IsDevice": map[string]any{}})
		bw.Devices[n] = id
		if n != "chiller-1" {
			_ = edge.AddChild(bw.Group, "childAssets", id)
		}
	}
	d, err := w.Env.Props.LoadConfigDat()
	if err != nil {
		t.Fatal(err)
	}
	d.Set(steps.CfgAdminUser, EdgeAdmin)
	d.SetAdminPassword(EdgeAdminPassword)
	d.Set(steps.CfgDomain, EdgeDomain)
	if err := w.Env.Props.SaveConfigDat(d); err != nil {
		t.Fatal(err)
	}
	if err := system.RecordCompletion(w.Env, 2); err != nil {
		t.Fatal(err)
	}
	cfg, err := w.Env.Props.LoadAgentConfig()
	if err != nil {
		t.Fatal(err)
	}
	cfg.URL = w.URL
	if err := w.Env.Props.SaveAgentConfig(cfg); err != nil {
		t.Fatal(err)
	}
	o := tenantsim.BrokerOptions{BootstrapPassword: BootstrapPassword, Interval: 10 * time.Millisecond, RequestTimeout: time.Second}
	for _, f := range opts {
		f(&o)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = edge.RunBroker(ctx, o)
	}()
	t.Cleanup(func() { cancel(); <-done; srv.Close() })
	return bw
}

// Measure sends one measurement from the Edge device name.
func (bw *BrokerWorld) Measure(t testing.TB, name string) {
	t.Helper()
	if _, err := bw.Edge.CreateMeasurement(bw.Devices[name], "c8y_Temperature",
		map[string]any{"c8y_Temperature": map[string]any{"T": map[string]any{"value": 21.5, "unit": "C"}}}); err != nil {
		t.Fatal(err)
	}
}
