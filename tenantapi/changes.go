package tenantapi

import (
	"net/http"
	"strings"
)

// OnChange makes the client report every request that changed something in
// the tenant (a POST, PUT or DELETE it accepted), e.g. so that `apply` can
// say truthfully whether an option changed anything. Logging in and asking
// for device credentials are POSTs that change nothing and are not reported.
// Call it before the client is used.
func (c *Client) OnChange(f func(method, path string)) { c.onChange = f }

// changes reports whether an accepted request changed the tenant.
func changes(method, path string) bool {
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch:
	default:
		return false
	}
	return !strings.HasPrefix(path, "/tenant/oauth") && path != "/devicecontrol/deviceCredentials"
}
