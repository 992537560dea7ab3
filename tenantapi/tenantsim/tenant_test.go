package tenantsim

import (
	"net/http"
	"strings"
	"testing"
)

func TestPublicEndpoints(t *testing.T) {
	_, srv := newServer(t)
	a := send(t, srv, req{method: http.MethodGet, path: "/tenant/loginOptions"})
	wantStatus(t, a, http.StatusOK, "")
	if !strings.HasPrefix(a.header.Get("Content-Type"), "application/vnd.com.nsn.cumulocity.loginoptioncollection+json;") {
		t.Fatalf("content type %q", a.header.Get("Content-Type"))
	}
	opts := a.json["loginOptions"].([]any)
	if len(opts) != 2 || opts[0].(map[string]any)["type"] != "BASIC" || opts[0].(map[string]any)["userManagementSource"] != "INTERNAL" {
		t.Fatalf("login options %s", a.body)
	}
	a = send(t, srv, req{method: http.MethodGet, path: "/tenant/health"})
	if a.status != 200 || a.json["status"] != "UP" {
		t.Fatalf("health %d %s", a.status, a.body)
	}
	wantStatus(t, send(t, srv, req{method: http.MethodPost, path: "/tenant/health"}), 405, "undefined/methodNotAllowed")
}

func TestCurrentTenantAndUser(t *testing.T) {
	_, srv := newServer(t)
	for _, login := range []string{"t1234567/admin", "admin"} {
		a := send(t, srv, req{method: http.MethodGet, path: "/tenant/currentTenant", login: login, pw: adminPW})
		if a.status != 200 || a.json["name"] != "t1234567" || a.json["domainName"] != "demo.cumulocity.local" {
			t.Fatalf("%s: %d %s", login, a.status, a.body)
		}
	}
	a := send(t, srv, req{method: http.MethodGet, path: "/user/currentUser", login: "reader", pw: "reader-pass"})
	roles := a.json["effectiveRoles"].([]any)
	if a.json["userName"] != "reader" || len(roles) != 1 || roles[0].(map[string]any)["id"] != RoleDeviceControlRead {
		t.Fatalf("current user %s", a.body)
	}
	wantStatus(t, send(t, srv, req{method: http.MethodGet, path: "/user/currentUser", login: "admin", pw: "wrong"}), 401, "security/Unauthorized")
}

func TestChangePassword(t *testing.T) {
	s, srv := newServer(t)
	change := func(login, pw, body string) answer {
		return send(t, srv, req{method: http.MethodPut, path: "/user/currentUser/password", login: login, pw: pw, ct: "application/json", body: body})
	}
	wantStatus(t, change("admin", "bad", `{"currentUserPassword":"bad","newPassword":"whatever-1"}`), 401, "security/Unauthorized")
	tests := []struct{ name, body string }{
		{"wrong current", `{"currentUserPassword":"nope-nope","newPassword":"fresh-pass-1"}`},
		{"too short", `{"currentUserPassword":"` + adminPW + `","newPassword":"short"}`},
		{"too long", `{"currentUserPassword":"` + adminPW + `","newPassword":"` + strings.Repeat("x", 33) + `"}`},
		{"same as current", `{"currentUserPassword":"` + adminPW + `","newPassword":"` + adminPW + `"}`},
		{"missing", `{}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantStatus(t, change("admin", adminPW, tc.body), 422, "undefined/validationError")
		})
	}
	wantStatus(t, change("admin", adminPW, `{"currentUserPassword":"`+adminPW+`","newPassword":"fresh-pass-1"}`), 200, "")
	if s.UserPassword("admin") != "fresh-pass-1" {
		t.Fatal("password not changed")
	}
	// The old password is in the history, and no longer logs in.
	wantStatus(t, send(t, srv, req{method: http.MethodGet, path: "/user/currentUser", login: "admin", pw: adminPW}), 401, "security/Unauthorized")
	wantStatus(t, change("admin", "fresh-pass-1", `{"currentUserPassword":"fresh-pass-1","newPassword":"`+adminPW+`"}`), 422, "undefined/validationError")
	// Ten changes later the first one is allowed again.
	cur := "fresh-pass-1"
	for i := range 10 {
		next := "rotate-pass-" + string(rune('a'+i))
		wantStatus(t, change("admin", cur, `{"currentUserPassword":"`+cur+`","newPassword":"`+next+`"}`), 200, "")
		cur = next
	}
	wantStatus(t, change("admin", cur, `{"currentUserPassword":"`+cur+`","newPassword":"`+adminPW+`"}`), 200, "")
}
