package tenantsim

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// principal is who a request authenticated as.
type principal struct {
	login     string   // as sent, e.g. "t1234567/admin" (for the log)
	bootstrap bool     // the management/devicebootstrap user
	acct      *account // nil for the bootstrap user
}

// requestUserLocked is the login a request carries: the Basic user name
// as sent, or "<tenant>/<user>" of an OAI-Secure token ("" if none).
// Callers hold s.mu.
func (s *Sim) requestUserLocked(r *http.Request) string {
	if u, _, ok := r.BasicAuth(); ok {
		return u
	}
	return s.tokenUserLocked(r)
}

// authenticate checks an OAI-Secure token (Bearer, or the browser's cookie
// with X-XSRF-TOKEN) or Basic credentials: "<tenant>/<user>:<pw>" or
// "<user>:<pw>" (own domain); "management/<bootstrap user>" is the device
// bootstrap user. Basic for tenant users is refused when
// Options.RefuseBasicForUsers is set. It answers 401 itself and returns
// nil on failure.
func (s *Sim) authenticate(w http.ResponseWriter, r *http.Request) *principal {
	if a, found, why := s.tokenAuth(r); found {
		if a == nil {
			writeError(w, http.StatusUnauthorized, "security/Unauthorized", why)
			return nil
		}
		return &principal{login: s.opts.TenantID + "/" + a.name, acct: a}
	}
	login, pw, ok := r.BasicAuth()
	if !ok {
		writeError(w, http.StatusUnauthorized, "security/Unauthorized", "Full authentication is required to access this resource")
		return nil
	}
	tenant, name, hasTenant := strings.Cut(login, "/")
	if !hasTenant {
		tenant, name = s.opts.TenantID, login
	}
	if tenant == "management" && name == s.opts.BootstrapUser {
		if s.opts.BootstrapPassword != "" && equal(pw, s.opts.BootstrapPassword) {
			return &principal{login: login, bootstrap: true}
		}
	} else if tenant == s.opts.TenantID {
		s.mu.Lock()
		a := s.users[name]
		good := a != nil && equal(pw, a.password) && !a.disabled
		s.mu.Unlock()
		if good && s.opts.RefuseBasicForUsers && !a.isDevice() {
			// Guess: the platform's words for this refusal are not public.
			writeError(w, http.StatusUnauthorized, "security/Unauthorized",
				"Basic authentication is not allowed for users of this tenant: log in with OAI-Secure.")
			return nil
		}
		if good {
			return &principal{login: login, acct: a}
		}
	}
	writeError(w, http.StatusUnauthorized, "security/Unauthorized", "Invalid credentials!")
	return nil
}

// user authenticates a tenant or device user; the bootstrap user gets 403.
func (s *Sim) user(w http.ResponseWriter, r *http.Request) *account {
	p := s.authenticate(w, r)
	if p == nil {
		return nil
	}
	if p.bootstrap {
		writeForbidden(w)
		return nil
	}
	return p.acct
}

// userWith authenticates and requires role; devices get 403 here.
func (s *Sim) userWith(w http.ResponseWriter, r *http.Request, role string) *account {
	a := s.user(w, r)
	if a == nil {
		return nil
	}
	if a.isDevice() || !a.has(role) {
		writeForbidden(w)
		return nil
	}
	return a
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
