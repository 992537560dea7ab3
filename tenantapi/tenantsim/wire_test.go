package tenantsim

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestAnswersUseLowerCaseMediaTypes(t *testing.T) {
	_, srv := newServer(t)
	for _, c := range []struct{ path, accept, want string }{
		{"/inventory/managedObjects", "application/vnd.com.nsn.cumulocity.managedObjectCollection+json", "managedobjectcollection"},
		{"/devicecontrol/newDeviceRequests", "application/json", "newdevicerequestcollection"},
		{"/user/currentUser", "", "currentuser"},
	} {
		q := admin("GET", c.path, "", "")
		q.accept = c.accept
		a := send(t, srv, q)
		if want := "application/vnd.com.nsn.cumulocity." + c.want + "+json;"; !strings.HasPrefix(a.header.Get("Content-Type"), want) {
			t.Errorf("%s: Content-Type %q, want %s...", c.path, a.header.Get("Content-Type"), want)
		}
	}
}

func TestNextLinkOnFullPages(t *testing.T) {
	for _, onlyWhenMore := range []bool{false, true} {
		t.Run(fmt.Sprint("nextOnlyWhenMore=", onlyWhenMore), func(t *testing.T) {
			s := New(Options{NextOnlyWhenMore: onlyWhenMore, Users: []User{{Name: "admin", Password: adminPW, Roles: AllRoles()}}})
			srv := newTestServer(t, s)
			for i := range 4 {
				_ = s.CreateRequest(fmt.Sprint("d", i))
			}
			get := func(page string) answer {
				return send(t, srv, admin(http.MethodGet, "/devicecontrol/newDeviceRequests?pageSize=2&withTotalElements=true&currentPage="+page, "newDeviceRequestCollection", ""))
			}
			if a := get("1"); a.json["next"] == nil {
				t.Fatalf("page 1 of 2 without next: %s", a.body)
			}
			last := get("2")
			if hasNext := last.json["next"] != nil; hasNext == onlyWhenMore {
				t.Fatalf("full last page: next present %v: %s", hasNext, last.body)
			}
			if n := last.json["statistics"].(map[string]any)["totalElements"]; n != 4.0 {
				t.Fatalf("totalElements %v", n)
			}
			if a := get("3"); a.json["next"] != nil || len(a.json["newDeviceRequests"].([]any)) != 0 {
				t.Fatalf("empty page 3: %s", a.body)
			}
		})
	}
}

func TestHeadOptionsAndSmallFixes(t *testing.T) {
	s, srv := newServer(t)
	head := send(t, srv, admin(http.MethodHead, "/tenant/currentTenant", "", ""))
	if head.status != 200 || head.body != "" || !strings.Contains(head.header.Get("Content-Type"), "currenttenant") {
		t.Fatalf("HEAD: %d %q %v", head.status, head.body, head.header)
	}
	opt := send(t, srv, req{method: http.MethodOptions, path: "/inventory/managedObjects", header: map[string]string{"Origin": "https://ui.example", "Access-Control-Request-Headers": "authorization, content-type"}})
	if opt.status != 200 || opt.header.Get("Access-Control-Allow-Origin") != "https://ui.example" || !strings.Contains(opt.header.Get("Allow"), "POST") {
		t.Fatalf("OPTIONS: %d %v", opt.status, opt.header)
	}
	// A duplicate registration says so without a Go error prefix; requests carry tenantId.
	_ = s.CreateRequest("dup")
	a := send(t, srv, admin(http.MethodPost, "/devicecontrol/newDeviceRequests", "newDeviceRequest", `{"id":"dup"}`))
	wantStatus(t, a, http.StatusConflict, "devicecontrol/Duplicate")
	if msg := a.json["message"].(string); strings.HasPrefix(msg, "duplicate") {
		t.Fatalf("message %q", msg)
	}
	if g := send(t, srv, admin(http.MethodGet, "/devicecontrol/newDeviceRequests/dup", "newDeviceRequest", "")); g.json["tenantId"] != "t1234567" {
		t.Fatalf("no tenantId: %s", g.body)
	}
	// Deleting a request needs ROLE_USER_MANAGEMENT_ADMIN (OpenAPI), not device control.
	s.AddUser(User{Name: "dc", Password: "dc-pass-1", Roles: []string{RoleDeviceControlAdmin}})
	q := admin(http.MethodDelete, "/devicecontrol/newDeviceRequests/dup", "", "")
	q.login, q.pw = "dc", "dc-pass-1"
	wantStatus(t, send(t, srv, q), http.StatusForbidden, "security/Forbidden")
	wantStatus(t, send(t, srv, admin(http.MethodDelete, "/devicecontrol/newDeviceRequests/dup", "", "")), http.StatusNoContent, "")
	// Device users get no invented role.
	login, pw := registeredDevice(t, s, "norole", func(q req) answer { return send(t, srv, q) })
	u := send(t, srv, req{method: http.MethodGet, path: "/user/currentUser", login: login, pw: pw})
	if roles := u.json["effectiveRoles"].([]any); len(roles) != 0 {
		t.Fatalf("device roles %v", roles)
	}
}
