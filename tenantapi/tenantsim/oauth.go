package tenantsim

import (
	"crypto/rand"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// OAI-Secure, the platform's own OAuth login for tenant users. Two
// flavours (the project's REST reference; go-c8y and the Web SDK):
//   - POST /tenant/oauth/token: form grant_type=PASSWORD, username,
//     password (tfa_code); the token comes back as JSON access_token and as
//     the cookie "authorization"; later requests send "Authorization:
//     Bearer <token>".
//   - POST /tenant/oauth (the browser's): the same form; the answer sets the
//     cookies "authorization" (HttpOnly) and "XSRF-TOKEN"; later requests
//     send both cookies and the header X-XSRF-TOKEN with the XSRF value.
// Tokens expire after Options.TokenLifetime; a request with an expired
// token gets 401. Devices and the bootstrap user cannot log in this way
// (guess: the platform's answer for them is not public; they keep Basic).

// DefaultTokenLifetime is the platform's default OAI-Secure token lifetime
// as recalled (two weeks; medium confidence, not verified here).
const DefaultTokenLifetime = 14 * 24 * time.Hour

type oauthToken struct {
	user    string // account name
	xsrf    string // browser flavour only
	expires time.Time
}

func newToken() string { return rand.Text() + rand.Text() }

// handleOAuth serves both login flavours; browser says which.
func (s *Sim) handleOAuth(browser bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			writeMethodNotAllowed(w, r, http.MethodPost)
			return
		}
		if !s.opts.offersOAuth() {
			writeNotSimulated(w, r, "this tenant has OAI-Secure switched off (Options.DisableOAuth)")
			return
		}
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(strings.ToLower(ct), "application/x-www-form-urlencoded") {
			writeError(w, http.StatusUnsupportedMediaType, "undefined/unsupportedMediaType",
				"Content type '"+ct+"' is not supported; send application/x-www-form-urlencoded.")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil {
			writeError(w, http.StatusBadRequest, "undefined/badRequest", "The login form cannot be read.")
			return
		}
		if t := r.URL.Query().Get("tenant_id"); t != "" && t != s.opts.TenantID {
			writeError(w, http.StatusUnauthorized, "security/Unauthorized", "Invalid credentials!")
			return
		}
		if gt := r.PostForm.Get("grant_type"); !strings.EqualFold(gt, "PASSWORD") {
			writeValidation(w, "grant_type: only PASSWORD is supported.")
			return
		}
		name, pw := r.PostForm.Get("username"), r.PostForm.Get("password")
		if _, n, ok := strings.Cut(name, "/"); ok {
			name = n // "tenant/user" is accepted too (guess)
		}
		s.mu.Lock()
		a := s.users[name]
		good := a != nil && !a.isDevice() && equal(pw, a.password)
		tfa := good && a.tfa
		s.mu.Unlock()
		switch {
		case !good:
			writeError(w, http.StatusUnauthorized, "security/Unauthorized", "Invalid credentials!")
			return
		case tfa && r.PostForm.Get("tfa_code") == "":
			// Guess: the platform's exact words are not public; it answers 401.
			writeError(w, http.StatusUnauthorized, "security/Unauthorized", "TFA code required: two-factor authentication is enforced for this user.")
			return
		case tfa:
			writeError(w, http.StatusUnauthorized, "security/Unauthorized", "Invalid TFA code.")
			return
		}
		tok := oauthToken{user: name, expires: s.opts.Now().Add(s.opts.tokenLifetime())}
		if browser {
			tok.xsrf = rand.Text()
		}
		value := newToken()
		s.mu.Lock()
		s.tokens[value] = tok
		s.mu.Unlock()
		secs := int(s.opts.tokenLifetime() / time.Second)
		http.SetCookie(w, &http.Cookie{Name: "authorization", Value: value, Path: "/", HttpOnly: true, Secure: r.TLS != nil, MaxAge: secs, SameSite: http.SameSiteLaxMode})
		if browser {
			http.SetCookie(w, &http.Cookie{Name: "XSRF-TOKEN", Value: tok.xsrf, Path: "/", Secure: r.TLS != nil, MaxAge: secs, SameSite: http.SameSiteLaxMode})
			w.WriteHeader(http.StatusOK)
			return
		}
		// Guess: the JSON fields besides access_token (what go-c8y reads).
		body, _ := json.Marshal(map[string]any{"access_token": value, "token_type": "Bearer", "expires_in": secs})
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	}
}

// tokenValue is the token a request carries: a Bearer header, or the
// browser's "authorization" cookie when there is no Authorization header.
func tokenValue(r *http.Request) (value string, browser bool) {
	h := r.Header.Get("Authorization")
	if v, ok := strings.CutPrefix(h, "Bearer "); ok {
		return v, false
	}
	if h == "" {
		if c, err := r.Cookie("authorization"); err == nil {
			return c.Value, true
		}
	}
	return "", false
}

// tokenAuth authenticates a Bearer header or the browser's cookie +
// X-XSRF-TOKEN. found says whether the request carried a token at all.
func (s *Sim) tokenAuth(r *http.Request) (a *account, found bool, why string) {
	value, browser := tokenValue(r)
	xsrf := r.Header.Get("X-XSRF-TOKEN")
	if strings.HasPrefix(r.URL.Path, "/service/remoteaccess/client/") && xsrf == "" {
		// A browser cannot set headers on a WebSocket: the remote access
		// terminal passes ?token=…&XSRF-TOKEN=… instead (reference).
		q := r.URL.Query()
		if value == "" && r.Header.Get("Authorization") == "" && q.Get("token") != "" {
			value, browser = q.Get("token"), true
		}
		xsrf = q.Get("XSRF-TOKEN")
	}
	if value == "" {
		return nil, false, ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tok, ok := s.tokens[value]
	switch {
	case !ok:
		return nil, true, "Invalid token."
	case !s.opts.Now().Before(tok.expires):
		delete(s.tokens, value)
		return nil, true, "Token expired: log in again."
	case browser && (tok.xsrf == "" || !equal(xsrf, tok.xsrf)):
		// Guess: the platform refuses a cookie login without the matching
		// X-XSRF-TOKEN header; its status and words are not public.
		return nil, true, "Missing or wrong X-XSRF-TOKEN header."
	}
	a = s.users[tok.user]
	if a == nil {
		return nil, true, "Invalid token."
	}
	return a, true, ""
}

// tokenUserLocked names the user of a request's token ("" if none); for
// the request log. Callers hold s.mu.
func (s *Sim) tokenUserLocked(r *http.Request) string {
	value, _ := tokenValue(r)
	if tok, ok := s.tokens[value]; ok && value != "" {
		return s.opts.TenantID + "/" + tok.user
	}
	return ""
}

// ExpireTokens ends every OAI-Secure login at once (as a token lifetime
// running out would): later requests with those tokens get 401.
func (s *Sim) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = map[string]oauthToken{}
}

func (o *Options) tokenLifetime() time.Duration {
	if o.TokenLifetime > 0 {
		return o.TokenLifetime
	}
	return DefaultTokenLifetime
}

func (o *Options) offersOAuth() bool { return !o.DisableOAuth }
