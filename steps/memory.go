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

// RememberTenantUser keeps the tenant user given to option 7.
func (e *Env) RememberTenantUser(cr tenantapi.Credentials) {
	if e.Memory == nil || cr.User == "" || cr.Password == "" {
		return
	}
	e.Memory.mu.Lock()
	defer e.Memory.mu.Unlock()
	e.Memory.tenantUser = &cr
}

// RememberedTenantUser is the tenant user option 7 was given in this run, or nil.
func (e *Env) RememberedTenantUser() *tenantapi.Credentials {
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
