package tenantapi

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// ErrTFARequired: the tenant enforces two-factor authentication for the
// user, which a console tool cannot answer.
var ErrTFARequired = errors.New("two-factor authentication is enforced")

// How tenant users log in, as GET /tenant/loginOptions says.
type loginMode int

const (
	modeUnknown loginMode = iota // not asked yet (or the answer was unreadable)
	modeBasic                    // a BASIC login option is offered
	modeOAuth                    // only OAI-Secure (OAUTH2_INTERNAL) is offered
)

// authState remembers the tenant's login mode and the OAI-Secure logins.
type authState struct {
	mu       sync.Mutex // also serialises logins: one token request per user at a time
	mode     loginMode
	oauth    bool // OAUTH2_INTERNAL offered (a Basic 401 may then fall back to it)
	sessions map[string]*session
}

type session struct {
	pw      [32]byte // the password it was made with: a new password needs a new login
	token   string
	expires time.Time // zero: unknown (a 401 ends it)
}

// maxTokenSeconds caps a token lifetime the tenant announces (a year).
const maxTokenSeconds = 366 * 24 * 3600

// expiryMargin renews a token this long before it runs out.
const expiryMargin = time.Minute

// isDeviceLogin: device users ("device_<id>") and the bootstrap user
// ("management/...") always use Basic; only tenant users log in with
// OAI-Secure.
func isDeviceLogin(cr Credentials) bool {
	return strings.HasPrefix(cr.User, "device_") || cr.Tenant == "management"
}

// AuthHeader is the Authorization header value a request as cr carries.
// It is the one place a login is turned into a header: REST calls (do) and
// WebSockets (remote access) both use it. Devices and the bootstrap user
// get Basic. Tenant users get Basic when the tenant's loginOptions offer
// it, else an OAI-Secure token ("Bearer ..."), logging in first when
// there is no valid token for these credentials. After a 401 on a token,
// call ForgetLogin and ask again.
func (c *Client) AuthHeader(ctx context.Context, cr Credentials) (string, error) {
	if strings.Contains(cr.Login(), ":") {
		return "", fmt.Errorf("the user name %q contains ':', which Basic authentication cannot carry", cr.Login())
	}
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(cr.Login()+":"+cr.Password))
	if isDeviceLogin(cr) {
		return basic, nil
	}
	mode, err := c.userLoginMode(ctx)
	if err != nil {
		return "", err
	}
	if mode != modeOAuth {
		return basic, nil
	}
	tok, err := c.oauthToken(ctx, cr)
	if err != nil {
		return "", err
	}
	return "Bearer " + tok, nil
}

// ForgetLogin drops the OAI-Secure token of cr (after the tenant answered
// 401 to it): the next AuthHeader logs in again.
func (c *Client) ForgetLogin(cr Credentials) {
	c.auth.mu.Lock()
	defer c.auth.mu.Unlock()
	delete(c.auth.sessions, cr.Login())
}

// userLoginMode asks loginOptions once per client. A tenant (or proxy) in
// trouble (5xx, 429, no answer) is an error worth another try; an answer
// without login options (an older server, a 404) means Basic.
func (c *Client) userLoginMode(ctx context.Context) (loginMode, error) {
	c.auth.mu.Lock()
	mode := c.auth.mode
	c.auth.mu.Unlock()
	if mode != modeUnknown {
		return mode, nil
	}
	var out struct {
		LoginOptions []struct {
			Type string `json:"type"`
		} `json:"loginOptions"`
	}
	_, err := c.do(ctx, call{method: http.MethodGet, path: "/tenant/loginOptions", media: "loginOptionCollection", out: &out})
	if retry, _ := Retryable(err); retry || errors.Is(err, context.Canceled) {
		return modeUnknown, err
	}
	var basic, oauth bool
	for _, o := range out.LoginOptions {
		switch strings.ToUpper(o.Type) {
		case "BASIC":
			basic = true
		case "OAUTH2_INTERNAL":
			oauth = true
		}
	}
	mode = modeBasic
	if oauth && !basic {
		mode = modeOAuth
	}
	c.auth.mu.Lock()
	c.auth.mode, c.auth.oauth = mode, oauth
	c.auth.mu.Unlock()
	return mode, nil
}

// basicRefused is called after a tenant user's Basic request got 401: when
// the tenant offers OAI-Secure, users log in that way from now on (the
// tenant may refuse Basic for users without saying so in loginOptions)
// and the caller tries once more.
func (c *Client) basicRefused() bool {
	c.auth.mu.Lock()
	defer c.auth.mu.Unlock()
	if c.auth.oauth && c.auth.mode == modeBasic {
		c.auth.mode = modeOAuth
		return true
	}
	return false
}

// oauthToken is a valid token for cr, from the cache or a new login.
func (c *Client) oauthToken(ctx context.Context, cr Credentials) (string, error) {
	pw := sha256.Sum256([]byte(cr.Password))
	c.auth.mu.Lock()
	defer c.auth.mu.Unlock()
	if s := c.auth.sessions[cr.Login()]; s != nil && s.pw == pw && (s.expires.IsZero() || time.Now().Add(expiryMargin).Before(s.expires)) {
		return s.token, nil
	}
	s, err := c.login(ctx, cr)
	if err != nil {
		return "", err
	}
	s.pw = pw
	if c.auth.sessions == nil {
		c.auth.sessions = map[string]*session{}
	}
	c.auth.sessions[cr.Login()] = s
	return s.token, nil
}

// login is the OAI-Secure password grant: POST /tenant/oauth/token with
// a form; the token comes as JSON access_token or the "authorization"
// cookie. The password travels only in the form body (never in the URL,
// never in the trace).
func (c *Client) login(ctx context.Context, cr Credentials) (*session, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	k := call{method: http.MethodPost, path: "/tenant/oauth/token", cr: &cr}
	if cr.Tenant != "" {
		k.query = url.Values{"tenant_id": {cr.Tenant}}
	}
	req := c.r.R().SetContext(ctx).
		SetHeader("Accept", "application/json").
		SetFormData(map[string]string{"grant_type": "PASSWORD", "username": cr.User, "password": cr.Password})
	if k.query != nil {
		req.SetQueryParamsFromValues(k.query)
	}
	start := time.Now()
	resp, err := req.Execute(http.MethodPost, c.base+k.path)
	c.trace(k, resp, err, time.Since(start))
	if err != nil {
		return nil, &transportError{Method: k.method, Path: k.path, Host: c.host, Err: err}
	}
	if st := resp.StatusCode(); st < 200 || st > 299 {
		e := apiError(k, resp)
		if st == http.StatusUnauthorized && (strings.Contains(strings.ToUpper(e.Message), "TFA") || strings.Contains(strings.ToLower(e.Message), "two-factor")) {
			return nil, fmt.Errorf("%w for user %s", ErrTFARequired, cr.Login())
		}
		return nil, e
	}
	var out struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	_ = json.Unmarshal(resp.Body(), &out)
	s := &session{token: out.AccessToken}
	if s.token == "" {
		for _, ck := range resp.Cookies() {
			if ck.Name == "authorization" {
				s.token = ck.Value
			}
		}
	}
	if s.token == "" {
		return nil, fmt.Errorf("%w: the OAI-Secure login of %s succeeded but the tenant sent no token", ErrMalformedBody, cr.Login())
	}
	if out.ExpiresIn > 0 {
		// Bounded: a huge value would overflow into the past.
		s.expires = time.Now().Add(time.Duration(min(out.ExpiresIn, maxTokenSeconds)) * time.Second)
	} else {
		s.expires = jwtExpiry(s.token)
	}
	return s, nil
}

// jwtExpiry reads the "exp" claim of a JWT (the platform's tokens are
// JWTs); zero when the token is not one.
func jwtExpiry(tok string) time.Time {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return time.Time{}
	}
	data, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return time.Time{}
	}
	var claims struct {
		Exp int64 `json:"exp"`
	}
	if json.Unmarshal(data, &claims) != nil || claims.Exp <= 0 {
		return time.Time{}
	}
	return time.Unix(claims.Exp, 0)
}
