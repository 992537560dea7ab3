package tenantsim

import (
	"net/http"
	"strings"
)

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

// serveOptions answers a CORS preflight or an OPTIONS probe with 200 and
// the methods the platform's REST API uses (guess: the platform's exact
// CORS headers are not public; browsers' preflights get an answer rather
// than a 405).
func (s *Sim) serveOptions(w http.ResponseWriter, r *http.Request) {
	methods := "GET, HEAD, POST, PUT, DELETE, OPTIONS"
	w.Header().Set("Allow", methods)
	if origin := r.Header.Get("Origin"); origin != "" {
		w.Header().Set("Access-Control-Allow-Origin", origin)
		w.Header().Set("Access-Control-Allow-Methods", methods)
		w.Header().Set("Access-Control-Allow-Credentials", "true")
		if h := r.Header.Get("Access-Control-Request-Headers"); h != "" {
			w.Header().Set("Access-Control-Allow-Headers", strings.Join(strings.Fields(h), ""))
		}
	}
	w.WriteHeader(http.StatusOK)
}
