package steps

import (
	"sync"

	"github.com/edge-setup/edge-setup/tenantapi"
)

// Memory is what one run of edge-setup keeps between options, in memory
// only (never written): the tenant user given to option 7, which S
// offers again so it is not typed twice.
type Memory struct {
	mu         sync.Mutex
	tenantUser *tenantapi.Credentials
}

// rememberTenantUser keeps the tenant user given to option 7.
func (e *Env) rememberTenantUser(cr tenantapi.Credentials) {
	if e.Memory == nil || cr.User == "" || cr.Password == "" {
		return
	}
	e.Memory.mu.Lock()
	defer e.Memory.mu.Unlock()
	e.Memory.tenantUser = &cr
}

// rememberedTenantUser is the tenant user option 7 was given in this run, or nil.
func (e *Env) rememberedTenantUser() *tenantapi.Credentials {
	if e.Memory == nil {
		return nil
	}
	e.Memory.mu.Lock()
	defer e.Memory.mu.Unlock()
	if e.Memory.tenantUser == nil {
		return nil
	}
	cr := *e.Memory.tenantUser
	return &cr
}

// option7User is the tenant user option 7 was given in this run when user
// (as answered: "user" or "tenant/user") names it, else nil. Its password
// is then not asked again.
func option7User(env *Env, user string) *tenantapi.Credentials {
	mem := env.rememberedTenantUser()
	if mem == nil || user == "" {
		return nil
	}
	cr := TenantUserCredentials(env, user, "")
	if cr.User != mem.User || (cr.Tenant != "" && cr.Tenant != mem.Tenant) {
		return nil
	}
	return mem
}

// option7UserHelp is the help of a tenant user question that offers the
// user option 7 was given.
const option7UserHelp = "Enter keeps the user given to option 7 in this run (its password is not asked again). Not stored."
