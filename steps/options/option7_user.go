package options

import (
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// option7User is the tenant user option 7 was given in this run when user
// (as answered: "user" or "tenant/user") names it, else nil. Its password
// is then not asked again.
func option7User(env *steps.Env, user string) *tenantapi.Credentials {
	mem := env.RememberedTenantUser()
	if mem == nil || user == "" {
		return nil
	}
	cr := steps.TenantUserCredentials(env, user, "")
	if cr.User != mem.User || (cr.Tenant != "" && cr.Tenant != mem.Tenant) {
		return nil
	}
	return mem
}

// option7UserHelp is the help of a tenant user question that offers the
// user option 7 was given.
const option7UserHelp = "Enter keeps the user given to option 7 in this run (its password is not asked again). Not stored."
