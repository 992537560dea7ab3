package databroker

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/tenantapi"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// The security code lets a tenant subscribe to the Edge's data: the debug
// trace of the subscription calls shows **** in its place.
func TestSubscriptionCallsHideTheCodeInTheTrace(t *testing.T) {
	sim := tenantsim.New(tenantsim.Options{Users: []tenantsim.User{{Name: "admin", Password: "pw-123456", Roles: tenantsim.AllRoles()}}})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	var trace bytes.Buffer
	api, err := tenantapi.New(tenantapi.Options{BaseURL: srv.URL, Debug: &trace})
	if err != nil {
		t.Fatal(err)
	}
	d := &Destination{API: api, As: tenantapi.Credentials{User: "admin", Password: "pw-123456"}}
	ctx := context.Background()
	const code = "SECRETCODE12"
	if err := d.Subscribe(ctx, code); err != nil {
		t.Fatal(err)
	}
	if s, err := d.Subscription(ctx, code); err != nil || s.Status != tenantapi.StatusWaitingForConnection {
		t.Fatalf("%+v %v", s, err)
	}
	if err := d.Accept(ctx, code); err == nil {
		t.Fatal("a waiting subscription was accepted")
	}
	if err := d.Discard(ctx, code); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(trace.String(), code) || !strings.Contains(trace.String(), "newDeviceRequests/****") {
		t.Fatalf("trace:\n%s", trace.String())
	}
}
