package registration_test

import (
	"context"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/tenantapi"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// Option 7 on a tenant that refuses Basic for users (new tenants default
// to OAI-Secure): the tenant user logs in with OAI-Secure, the device and
// the bootstrap user keep Basic, and the registration completes.
func TestRegistrationOnATenantThatRefusesBasicForUsers(t *testing.T) {
	w := stepstest.NewWith(t, func(o *tenantsim.Options) { o.RefuseBasicForUsers = true })
	reg := configured(t, w, true)
	ctx := context.Background()
	if err := reg.CreateRequest(ctx); err != nil {
		t.Fatalf("create request as the tenant user: %v", err)
	}
	reg.PollOnce(ctx, 0, 0)
	reg.PollOnce(ctx, 0, 0)
	if err := reg.Accept(ctx); err != nil {
		t.Fatalf("accept as the tenant user: %v", err)
	}
	out := reg.PollOnce(ctx, 0, 0)
	if out.Credentials == nil {
		t.Fatalf("poll after accept = %+v", out)
	}
	conn, err := reg.Complete(ctx, out.Credentials)
	if err != nil || conn.ManagedObjectID == "" {
		t.Fatalf("complete: %+v %v", conn, err)
	}
	if n := w.Sim.CountRequests("POST", "/tenant/oauth/token"); n == 0 {
		t.Fatal("the tenant user never logged in with OAI-Secure")
	}
	for _, r := range w.Sim.Requests() {
		if r.Status == 401 {
			t.Errorf("%s %s as %q got 401", r.Method, r.Path, r.User)
		}
	}
}

// A user with two-factor authentication enforced gets a message that says
// so and what to do, not "wrong password".
func TestTenantUserWithTFAIsExplained(t *testing.T) {
	w := stepstest.NewWith(t, func(o *tenantsim.Options) {
		o.RefuseBasicForUsers = true
		o.Users = append(o.Users, tenantsim.User{Name: "tfa-user", Password: "tfa-Passw0rd", TFA: true, Roles: tenantsim.AllRoles()})
	})
	err := steps.VerifyTenantUser(context.Background(), w.Env, w.URL, tenantapi.Credentials{User: "tfa-user", Password: "tfa-Passw0rd"})
	if err == nil || !strings.Contains(err.Error(), "two-factor") || strings.Contains(err.Error(), "check the user name and password") {
		t.Fatalf("TFA user: %v", err)
	}
	if err := steps.VerifyTenantUser(context.Background(), w.Env, w.URL, tenantapi.Credentials{User: stepstest.AdminUser, Password: stepstest.AdminPassword}); err != nil {
		t.Fatalf("admin with OAI-Secure: %v", err)
	}
}
