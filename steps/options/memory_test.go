package options

import (
	"testing"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// S offers the tenant user option 7 was given in the same run, and does
// not ask its password again; another user is asked for as before.
func TestSReusesOption7sTenantUserInMemory(t *testing.T) {
	env := &steps.Env{Memory: &steps.Memory{}, Getenv: func(string) string { return "" }}
	if raTenantUser(env, steps.Answers{KeyRATenantUser: "ops"}).Password != "" {
		t.Fatal("a password out of nowhere")
	}
	env.RememberTenantUser(tenantapi.Credentials{Tenant: "t1", User: "ops", Password: "pw-from-7"})
	if got := raTenantUser(env, steps.Answers{KeyRATenantUser: "t1/ops"}); got.Password != "pw-from-7" || !reusesOption7User(env, steps.Answers{KeyRATenantUser: "ops"}) {
		t.Fatalf("option 7's user not reused: %v", got)
	}
	if reusesOption7User(env, steps.Answers{KeyRATenantUser: "other"}) || raTenantUser(env, steps.Answers{KeyRATenantUser: "other", KeyRATenantPassword: "x"}).Password != "x" {
		t.Fatal("another user took option 7's password")
	}
	if (&steps.Env{}).RememberedTenantUser() != nil {
		t.Fatal("an Env without memory remembers")
	}
}

// B offers option 7's tenant user as S does: its password is not asked
// again and the subscription is made as that user; another user, or none
// (the security code), works as before.
func TestBReusesOption7sTenantUserInMemory(t *testing.T) {
	env := &steps.Env{Memory: &steps.Memory{}, Getenv: func(string) string { return "" }}
	const cloud = "http://127.0.0.1:1"
	if p := cloudUserPrompt(env, cloud, steps.Answers{}); p == nil || p.Default != "" {
		t.Fatalf("without option 7 the user prompt offers %+v", p)
	}
	env.RememberTenantUser(tenantapi.Credentials{Tenant: "t1", User: "ops", Password: "pw-from-7"})
	p := cloudUserPrompt(env, cloud, steps.Answers{})
	if p == nil || p.Key != steps.KeyTenantUser || p.Default != "t1/ops" {
		t.Fatalf("option 7's user not offered: %+v", p)
	}
	if p := cloudUserPrompt(env, cloud, steps.Answers{steps.KeyTenantUser: "t1/ops"}); p != nil {
		t.Fatalf("option 7's password asked again: %q", p.Text)
	}
	if cr := cloudUser(env, steps.Answers{steps.KeyTenantUser: "t1/ops"}); cr == nil || cr.Password != "pw-from-7" {
		t.Fatalf("the subscription would not be made as option 7's user: %v", cr)
	}
	if p := cloudUserPrompt(env, cloud, steps.Answers{steps.KeyTenantUser: "other"}); p == nil || p.Key != steps.KeyTenantPassword {
		t.Fatalf("another user's password not asked: %+v", p)
	}
	if cloudUser(env, steps.Answers{steps.KeyTenantUser: ""}) != nil {
		t.Fatal("a blank user (the security code) became a user")
	}
}
