package tenantapi

import (
	"fmt"
	"testing"

	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// The platform sends "next" on a full last page; other servers do not.
// The client gets every item either way and stops by itself.
func TestListingStopsOnBothNextShapes(t *testing.T) {
	for _, c := range []struct {
		onlyWhenMore bool
		requests     int // for 6 items in pages of 3
	}{{false, 3}, {true, 2}} {
		t.Run(fmt.Sprint("nextOnlyWhenMore=", c.onlyWhenMore), func(t *testing.T) {
			e := newEnvSim(t, func(o *tenantsim.Options) { o.NextOnlyWhenMore = c.onlyWhenMore })
			moID, _ := e.c.CreateManagedObject(t.Context(), admin, map[string]any{"name": "d"})
			for range 6 {
				e.sim.CreateOperation(moID, map[string]any{"c8y_Restart": map[string]any{}})
			}
			e.sim.ResetLog()
			ops, err := e.c.ListOperations(t.Context(), admin, OperationQuery{DeviceID: moID, PageSize: 3})
			if err != nil || len(ops) != 6 {
				t.Fatalf("%d operations, %v", len(ops), err)
			}
			if n := e.sim.CountRequests("GET", "/devicecontrol/operations"); n != c.requests {
				t.Fatalf("%d requests, want %d", n, c.requests)
			}
		})
	}
}

// deviceCredentials answers 200 (current docs) or 201 (older reference).
func TestDeviceCredentials200And201(t *testing.T) {
	for _, created := range []bool{false, true} {
		t.Run(fmt.Sprint("created=", created), func(t *testing.T) {
			e := newEnvSim(t, func(o *tenantsim.Options) { o.DeviceCredentialsCreated = created })
			_ = e.sim.CreateRequest("dc")
			_, _ = e.c.RequestDeviceCredentials(t.Context(), boot, "dc")
			if err := e.sim.Accept("dc"); err != nil {
				t.Fatal(err)
			}
			dc, err := e.c.RequestDeviceCredentials(t.Context(), boot, "dc")
			if err != nil || dc.Username != "device_dc" {
				t.Fatalf("%v %v", dc, err)
			}
			want := 200
			if created {
				want = 201
			}
			rs := e.sim.Requests()
			if got := rs[len(rs)-1].Status; got != want {
				t.Fatalf("status %d, want %d", got, want)
			}
		})
	}
}
