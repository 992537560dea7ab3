package tenantsim

import (
	"net/http"
	"slices"
)

// SetRemoteAccessSubscribed switches the tenant's Cloud Remote Access
// subscription: unsubscribed, every /service/remoteaccess/... answers 404.
func (s *Sim) SetRemoteAccessSubscribed(on bool) {
	s.ra.mu.Lock()
	defer s.ra.mu.Unlock()
	s.ra.unsubscribed = !on
}

// RemoteAccessSessions reports the sessions open now (both ends attached)
// and the client sessions opened since the start.
func (s *Sim) RemoteAccessSessions() (active, opened int) {
	s.ra.mu.Lock()
	defer s.ra.mu.Unlock()
	return s.ra.active, s.ra.opened
}

// SetUserRoles replaces a tenant user's roles (to take a role away in a test
// or the demo). It reports whether the user exists.
func (s *Sim) SetUserRoles(name string, roles []string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.users[name]
	if a == nil || a.isDevice() {
		return false
	}
	a.roles = slices.Clone(roles)
	return true
}

// raSubscribed answers 404 and returns false when the service is off.
func (s *Sim) raSubscribed(w http.ResponseWriter) bool {
	s.ra.mu.Lock()
	off := s.ra.unsubscribed
	s.ra.mu.Unlock()
	if off {
		writeError(w, http.StatusNotFound, "undefined/Not Found",
			"Microservice remoteaccess is not subscribed to this tenant.")
		return false
	}
	return true
}

// HEAD|GET /service/remoteaccess/health: 200 when subscribed. Guess: the
// service answers without looking at credentials.
func (s *Sim) handleRAHealth(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodHead && r.Method != http.MethodGet {
		writeMethodNotAllowed(w, r, http.MethodHead, http.MethodGet)
		return
	}
	if !s.raSubscribed(w) {
		return
	}
	if r.Method == http.MethodHead {
		w.WriteHeader(http.StatusOK)
		return
	}
	writeJSON(w, r, http.StatusOK, "", map[string]any{"status": "UP"})
}
