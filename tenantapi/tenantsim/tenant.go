package tenantsim

import "net/http"

// GET /tenant/loginOptions: no authentication, proves the URL is a tenant.
func (s *Sim) handleLoginOptions(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeMethodNotAllowed(w, r, http.MethodGet)
		return
	}
	if !checkAccept(w, r, "loginOptionCollection") {
		return
	}
	self := selfURL(r, "/tenant/loginOptions")
	opts := []map[string]any{}
	// The list tells the truth about what works for users: BASIC is left
	// out when the tenant refuses Basic for users (guess: how the platform
	// words that restriction in loginOptions is not public; our client also
	// falls back to OAI-Secure when Basic gets 401).
	if !s.opts.RefuseBasicForUsers {
		opts = append(opts, map[string]any{
			"id": "basic", "type": "BASIC", "userManagementSource": "INTERNAL",
			"visibleOnLoginPage": true, "grantType": "PASSWORD",
			"self": self + "/basic",
		})
	}
	if s.opts.offersOAuth() {
		opts = append(opts, map[string]any{
			"id": "oauth2_internal", "type": "OAUTH2_INTERNAL", "userManagementSource": "INTERNAL",
			"visibleOnLoginPage": true, "grantType": "PASSWORD",
			"initRequest": selfURL(r, "/tenant/oauth?tenant_id="+s.opts.TenantID),
			"self":        self + "/oauth2_internal",
		})
	}
	writeJSON(w, r, http.StatusOK, "loginOptionCollection", map[string]any{"self": self, "loginOptions": opts})
}

// GET /tenant/health: the Edge's local platform health check.
func (s *Sim) handleHealth(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeMethodNotAllowed(w, r, http.MethodGet)
		return
	}
	writeJSON(w, r, http.StatusOK, "", map[string]any{"status": "UP"})
}

// GET /tenant/currentTenant.
func (s *Sim) handleCurrentTenant(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeMethodNotAllowed(w, r, http.MethodGet)
		return
	}
	if s.user(w, r) == nil || !checkAccept(w, r, "currentTenant") {
		return
	}
	writeJSON(w, r, http.StatusOK, "currentTenant", map[string]any{
		"name":               s.opts.TenantID,
		"domainName":         s.opts.DomainName,
		"allowCreateTenants": false,
		"self":               selfURL(r, "/tenant/currentTenant"),
	})
}

// GET /user/currentUser.
func (s *Sim) handleCurrentUser(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeMethodNotAllowed(w, r, http.MethodGet)
		return
	}
	a := s.user(w, r)
	if a == nil || !checkAccept(w, r, "currentUser") {
		return
	}
	writeJSON(w, r, http.StatusOK, "currentUser", s.currentUserBody(r, a))
}

func (s *Sim) currentUserBody(r *http.Request, a *account) map[string]any {
	// Device users: the platform gives them the roles of the tenant's
	// "devices" global role, which each tenant configures; no public list
	// fixes them, so tenantsim reports none (devices act on what they own).
	roles := a.roles
	eff := make([]map[string]any, 0, len(roles))
	for _, role := range roles {
		eff = append(eff, map[string]any{"id": role, "name": role, "self": selfURL(r, "/user/roles/"+role)})
	}
	return map[string]any{
		"id": a.name, "userName": a.name, "effectiveRoles": eff,
		"shouldResetPassword": false, "self": selfURL(r, "/user/currentUser"),
	}
}

// PUT /user/currentUser/password {"currentUserPassword","newPassword"}.
func (s *Sim) handleChangePassword(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPut {
		writeMethodNotAllowed(w, r, http.MethodPut)
		return
	}
	a := s.user(w, r)
	if a == nil {
		return
	}
	var body struct {
		CurrentUserPassword string `json:"currentUserPassword"`
		NewPassword         string `json:"newPassword"`
	}
	if !readBody(w, r, "user", &body) {
		return
	}
	s.mu.Lock()
	var msg string
	switch {
	case body.CurrentUserPassword == "" || body.NewPassword == "":
		msg = "Both currentUserPassword and newPassword are required."
	case !equal(body.CurrentUserPassword, a.password):
		msg = "The current password is not correct."
	default:
		msg = a.setPassword(body.NewPassword)
	}
	s.mu.Unlock()
	if msg != "" {
		writeValidation(w, msg)
		return
	}
	writeJSON(w, r, http.StatusOK, "currentUser", s.currentUserBody(r, a))
}
