package tenantsim

import "net/http"

// writeNotSimulated answers 501 for a request the real platform may serve
// but tenantsim does not simulate. It is deliberately unlike a 404: a
// client must never mistake "the simulator cannot do this" for "object
// not found", and a test that reaches it should fail loudly.
func writeNotSimulated(w http.ResponseWriter, r *http.Request, what string) {
	msg := "tenantsim does not simulate " + r.Method + " " + r.URL.Path
	if what != "" {
		msg += " (" + what + ")"
	}
	writeError(w, http.StatusNotImplemented, "tenantsim/notSimulated",
		msg+"; see tenantapi/tenantsim/README.md for what it simulates.")
}
