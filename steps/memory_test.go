package steps

import (
	"testing"

	"github.com/edge-setup/edge-setup/tenantapi"
)

// S offers the tenant user option 7 was given in the same run, and does
// not ask its password again; another user is asked for as before.
func TestSReusesOption7sTenantUserInMemory(t *testing.T) {
	env := &Env{Memory: &Memory{}, Getenv: func(string) string { return "" }}
	if raTenantUser(env, Answers{KeyRATenantUser: "ops"}).Password != "" {
		t.Fatal("a password out of nowhere")
	}
	env.rememberTenantUser(tenantapi.Credentials{Tenant: "t1", User: "ops", Password: "pw-from-7"})
	if got := raTenantUser(env, Answers{KeyRATenantUser: "t1/ops"}); got.Password != "pw-from-7" || !reusesOption7User(env, Answers{KeyRATenantUser: "ops"}) {
		t.Fatalf("option 7's user not reused: %v", got)
	}
	if reusesOption7User(env, Answers{KeyRATenantUser: "other"}) || raTenantUser(env, Answers{KeyRATenantUser: "other", KeyRATenantPassword: "x"}).Password != "x" {
		t.Fatal("another user took option 7's password")
	}
	if (&Env{}).rememberedTenantUser() != nil {
		t.Fatal("an Env without memory remembers")
	}
}
