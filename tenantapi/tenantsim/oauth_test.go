package tenantsim

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func loginForm(path, user, pw string, extra ...string) req {
	v := url.Values{"grant_type": {"PASSWORD"}, "username": {user}, "password": {pw}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return req{method: http.MethodPost, path: path + "?tenant_id=t1234567", ct: "application/x-www-form-urlencoded", body: v.Encode()}
}

func TestOAISecureTokenLoginAndExpiry(t *testing.T) {
	clk := &clock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	s := New(Options{BootstrapPassword: bootPW, RefuseBasicForUsers: true, TokenLifetime: time.Hour, Now: clk.Now,
		Users: []User{{Name: "admin", Password: adminPW, Roles: AllRoles()}, {Name: "tfa", Password: "tfa-pass-1", TFA: true}}})
	srv := newTestServer(t, s)

	// Basic is refused for users; loginOptions says only OAI-Secure works.
	wantStatus(t, send(t, srv, admin("GET", "/user/currentUser", "", "")), 401, "security/Unauthorized")
	lo := send(t, srv, req{method: "GET", path: "/tenant/loginOptions"})
	if opts := lo.json["loginOptions"].([]any); len(opts) != 1 || opts[0].(map[string]any)["type"] != "OAUTH2_INTERNAL" {
		t.Fatalf("loginOptions %s", lo.body)
	}

	a := send(t, srv, loginForm("/tenant/oauth/token", "admin", adminPW))
	wantStatus(t, a, 200, "")
	tok, _ := a.json["access_token"].(string)
	if tok == "" || !strings.Contains(a.header.Get("Set-Cookie"), "authorization="+tok) || a.json["expires_in"] != 3600.0 {
		t.Fatalf("token answer %s / %q", a.body, a.header.Get("Set-Cookie"))
	}
	bearer := req{method: "GET", path: "/user/currentUser", header: map[string]string{"Authorization": "Bearer " + tok}}
	if a := send(t, srv, bearer); a.status != 200 || a.json["userName"] != "admin" {
		t.Fatalf("bearer: %d %s", a.status, a.body)
	}
	if rs := s.Requests(); rs[len(rs)-1].User != "t1234567/admin" {
		t.Fatalf("logged user %q", rs[len(rs)-1].User)
	}
	clk.Add(time.Hour)
	wantStatus(t, send(t, srv, bearer), 401, "security/Unauthorized")

	for name, q := range map[string]req{
		"wrong password": loginForm("/tenant/oauth/token", "admin", "nope"),
		"other tenant": func() req {
			q := loginForm("/tenant/oauth/token", "admin", adminPW)
			q.path = "/tenant/oauth/token?tenant_id=t999"
			return q
		}(),
		"TFA enforced":   loginForm("/tenant/oauth/token", "tfa", "tfa-pass-1"),
		"bootstrap user": loginForm("/tenant/oauth/token", "devicebootstrap", bootPW),
	} {
		if a := send(t, srv, q); a.status != 401 {
			t.Errorf("%s: %d %s", name, a.status, a.body)
		}
	}
	if a := send(t, srv, loginForm("/tenant/oauth/token", "tfa", "tfa-pass-1")); !strings.Contains(a.json["message"].(string), "TFA") {
		t.Errorf("TFA message %s", a.body)
	}
	q := loginForm("/tenant/oauth/token", "admin", adminPW)
	q.ct = "application/json"
	wantStatus(t, send(t, srv, q), 415, "undefined/unsupportedMediaType")

	// Devices and the bootstrap user keep Basic.
	login, pw := registeredDevice(t, s, "dev-basic", func(q req) answer { return send(t, srv, q) })
	if a := send(t, srv, req{method: "GET", path: "/user/currentUser", login: login, pw: pw}); a.status != 200 {
		t.Fatalf("device Basic: %d %s", a.status, a.body)
	}
	wantStatus(t, send(t, srv, loginForm("/tenant/oauth/token", strings.TrimPrefix(login, "t1234567/"), pw)), 401, "security/Unauthorized")
}

func TestOAISecureBrowserFlavourNeedsXSRF(t *testing.T) {
	s, srv := newServer(t)
	a := send(t, srv, loginForm("/tenant/oauth", "admin", adminPW))
	wantStatus(t, a, 200, "")
	var auth, xsrf string
	for _, c := range (&http.Response{Header: a.header}).Cookies() {
		switch c.Name {
		case "authorization":
			auth = c.Value
			if !c.HttpOnly {
				t.Error("authorization cookie not HttpOnly")
			}
		case "XSRF-TOKEN":
			xsrf = c.Value
		}
	}
	if auth == "" || xsrf == "" || a.body != "" {
		t.Fatalf("cookies %v body %q", a.header["Set-Cookie"], a.body)
	}
	cookie := "authorization=" + auth + "; XSRF-TOKEN=" + xsrf
	without := req{method: "GET", path: "/tenant/currentTenant", header: map[string]string{"Cookie": cookie}}
	wantStatus(t, send(t, srv, without), 401, "security/Unauthorized")
	with := req{method: "GET", path: "/tenant/currentTenant", header: map[string]string{"Cookie": cookie, "X-XSRF-TOKEN": xsrf}}
	wantStatus(t, send(t, srv, with), 200, "")
	s.ExpireTokens()
	wantStatus(t, send(t, srv, with), 401, "security/Unauthorized")
	// Basic still works on a tenant that allows it, and loginOptions lists both.
	wantStatus(t, send(t, srv, admin("GET", "/tenant/currentTenant", "", "")), 200, "")
	lo := send(t, srv, req{method: "GET", path: "/tenant/loginOptions"})
	if opts := lo.json["loginOptions"].([]any); len(opts) != 2 || opts[1].(map[string]any)["initRequest"] == nil || opts[0].(map[string]any)["initRequest"] != nil {
		t.Fatalf("loginOptions %s", lo.body)
	}
}

func TestBasicOnlyTenantHasNoOAuth(t *testing.T) {
	s := New(Options{DisableOAuth: true, Users: []User{{Name: "admin", Password: adminPW}}})
	srv := newTestServer(t, s)
	wantStatus(t, send(t, srv, loginForm("/tenant/oauth/token", "admin", adminPW)), 501, "tenantsim/notSimulated")
	lo := send(t, srv, req{method: "GET", path: "/tenant/loginOptions"})
	if opts := lo.json["loginOptions"].([]any); len(opts) != 1 || opts[0].(map[string]any)["type"] != "BASIC" {
		t.Fatalf("loginOptions %s", lo.body)
	}
}
