package tenantapi

import (
	"strings"
	"testing"
)

// OnChange hears the requests a tenant accepted that change something, not
// the reads, the refused ones or the device's credential polls.
func TestOnChangeReportsAcceptedChangesOnly(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	var heard []string
	e.c.OnChange(func(method, path string) { heard = append(heard, method+" "+path) })
	_, _ = e.c.RequestDeviceCredentials(ctx, boot, "edge-7")
	if _, err := e.c.CreateNewDeviceRequest(ctx, admin, "edge-7"); err != nil {
		t.Fatal(err)
	}
	_, _ = e.c.CreateNewDeviceRequest(ctx, admin, "edge-7") // 409: nothing changed
	if _, err := e.c.NewDeviceRequest(ctx, admin, "edge-7"); err != nil {
		t.Fatal(err)
	}
	res, err := e.c.BulkRegister(ctx, admin, []byte("ID;PATH\nedge-8;\nedge-7;\n"))
	if err != nil {
		t.Fatal(err)
	}
	if res.NumberOfAll != 2 || res.NumberOfCreated != 1 || res.NumberOfFailed != 1 || len(res.FailedCreation) != 1 ||
		res.FailedCreation[0].DeviceID != "edge-7" || res.FailedCreation[0].Status != BulkFailed {
		t.Errorf("bulk answer %+v", res)
	}
	if got := strings.Join(heard, ", "); got != "POST /devicecontrol/newDeviceRequests, POST /devicecontrol/bulkNewDeviceRequests" {
		t.Errorf("heard %q", got)
	}
}
