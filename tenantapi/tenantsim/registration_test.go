package tenantsim

import (
	"fmt"
	"net/http"
	"testing"
)

func credsReq(id, pw string) req {
	return req{method: http.MethodPost, path: "/devicecontrol/deviceCredentials",
		login: "management/devicebootstrap", pw: pw,
		ct: mediaType("deviceCredentials"), accept: mediaType("deviceCredentials"),
		body: fmt.Sprintf(`{"id":%q}`, id)}
}

func TestRegistrationLifecycle(t *testing.T) {
	s, srv := newServer(t)
	const id = "edge-001"

	wantStatus(t, send(t, srv, credsReq(id, bootPW)), http.StatusNotFound, "devicecontrol/Not Found")
	a := send(t, srv, admin(http.MethodPost, "/devicecontrol/newDeviceRequests", "newDeviceRequest", `{"id":"edge-001"}`))
	wantStatus(t, a, http.StatusCreated, "")
	if a.json["status"] != StatusWaiting || a.json["owner"] != "admin" || a.json["creationTime"] == nil {
		t.Fatalf("created %v", a.json)
	}
	// Accepting before the device polled is refused.
	acc := admin(http.MethodPut, "/devicecontrol/newDeviceRequests/"+id, "newDeviceRequest", `{"status":"ACCEPTED"}`)
	wantStatus(t, send(t, srv, acc), http.StatusUnprocessableEntity, "undefined/validationError")

	// The first poll moves it to PENDING_ACCEPTANCE, still 404.
	wantStatus(t, send(t, srv, credsReq(id, bootPW)), http.StatusNotFound, "devicecontrol/Not Found")
	if st, _ := s.RequestStatus(id); st != StatusPending {
		t.Fatalf("status %s after poll", st)
	}
	a = send(t, srv, acc)
	wantStatus(t, a, http.StatusOK, "")
	if a.json["status"] != StatusAccepted {
		t.Fatalf("accepted: %v", a.json)
	}
	// Accepting twice is refused.
	wantStatus(t, send(t, srv, acc), http.StatusUnprocessableEntity, "undefined/validationError")

	a = send(t, srv, credsReq(id, bootPW))
	wantStatus(t, a, http.StatusOK, "") // the current OpenAPI description; see TestDeviceCredentials201
	if a.json["username"] != "device_"+id || a.json["tenantId"] != "t1234567" || a.json["password"] == "" {
		t.Fatalf("credentials %v", a.json)
	}
	user, pw, ok := s.DeviceCredentialsIssued(id)
	if !ok || user != "device_"+id || pw != a.json["password"] {
		t.Fatalf("issued %q %q %v", user, pw, ok)
	}
	// Handed out once; the request is gone.
	wantStatus(t, send(t, srv, credsReq(id, bootPW)), http.StatusNotFound, "devicecontrol/Not Found")
	if _, ok := s.RequestStatus(id); ok {
		t.Fatal("request still listed after credentials were issued")
	}
	// The device user works, tenant-prefixed or bare, until revoked.
	for _, login := range []string{"t1234567/device_" + id, "device_" + id} {
		a = send(t, srv, req{method: http.MethodGet, path: "/user/currentUser", login: login, pw: pw})
		wantStatus(t, a, http.StatusOK, "")
	}
	s.RevokeDeviceUser(id)
	wantStatus(t, send(t, srv, req{method: http.MethodGet, path: "/tenant/currentTenant", login: "device_" + id, pw: pw}),
		http.StatusUnauthorized, "security/Unauthorized")
}

func TestBootstrapUserIsLimited(t *testing.T) {
	_, srv := newServer(t)
	a := send(t, srv, credsReq("x", "wrong"))
	wantStatus(t, a, http.StatusUnauthorized, "security/Unauthorized")
	if a.header.Get("WWW-Authenticate") == "" {
		t.Fatal("401 without WWW-Authenticate")
	}
	boot := req{login: "management/devicebootstrap", pw: bootPW}
	for _, p := range []string{"/tenant/currentTenant", "/user/currentUser", "/devicecontrol/newDeviceRequests", "/inventory/managedObjects"} {
		q := boot
		q.method, q.path = http.MethodGet, p
		wantStatus(t, send(t, srv, q), http.StatusForbidden, "security/Forbidden")
	}
	// A tenant user may not fetch device credentials.
	q := credsReq("x", adminPW)
	q.login = "t1234567/admin"
	wantStatus(t, send(t, srv, q), http.StatusForbidden, "security/Forbidden")
}

func TestBootstrapWithoutConfiguredPasswordRefuses(t *testing.T) {
	s := New(Options{})
	srv := newTestServer(t, s)
	wantStatus(t, send(t, srv, credsReq("x", "")), http.StatusUnauthorized, "security/Unauthorized")
}

func TestNewDeviceRequestErrors(t *testing.T) {
	s, srv := newServer(t)
	if err := s.CreateRequest("dup"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		q      req
		status int
		code   string
	}{
		{"missing id", admin(http.MethodPost, "/devicecontrol/newDeviceRequests", "newDeviceRequest", `{}`), 422, "undefined/validationError"},
		{"duplicate", admin(http.MethodPost, "/devicecontrol/newDeviceRequests", "newDeviceRequest", `{"id":"dup"}`), 409, "devicecontrol/Duplicate"},
		{"unknown", admin(http.MethodGet, "/devicecontrol/newDeviceRequests/nope", "newDeviceRequest", ""), 404, "devicecontrol/Not Found"},
		{"bad status", admin(http.MethodPut, "/devicecontrol/newDeviceRequests/dup", "newDeviceRequest", `{"status":"FOO"}`), 422, "undefined/validationError"},
		{"wrong method", admin(http.MethodPatch, "/devicecontrol/newDeviceRequests/dup", "", ""), 405, "undefined/methodNotAllowed"},
		{"reader cannot create", req{method: http.MethodPost, path: "/devicecontrol/newDeviceRequests", login: "reader", pw: "reader-pass", ct: "application/json", body: `{"id":"r"}`}, 403, "security/Forbidden"},
		{"nobody cannot read", req{method: http.MethodGet, path: "/devicecontrol/newDeviceRequests", login: "nobody", pw: "nobody-pass"}, 403, "security/Forbidden"},
		{"no auth", req{method: http.MethodGet, path: "/devicecontrol/newDeviceRequests"}, 401, "security/Unauthorized"},
		{"wrong tenant", req{method: http.MethodGet, path: "/devicecontrol/newDeviceRequests", login: "t999/admin", pw: adminPW}, 401, "security/Unauthorized"},
		{"bad json", admin(http.MethodPost, "/devicecontrol/newDeviceRequests", "newDeviceRequest", `{"id":`), 400, "undefined/badRequest"},
		{"wrong content type", req{method: http.MethodPost, path: "/devicecontrol/newDeviceRequests", login: "admin", pw: adminPW, ct: "text/plain", body: `{"id":"z"}`}, 415, "undefined/unsupportedMediaType"},
		{"unacceptable", req{method: http.MethodGet, path: "/devicecontrol/newDeviceRequests/dup", login: "admin", pw: adminPW, accept: "text/html"}, 406, "undefined/notAcceptable"},
		{"unknown path: not simulated, never a 404", admin(http.MethodGet, "/nothing/here", "", ""), 501, "tenantsim/notSimulated"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantStatus(t, send(t, srv, tc.q), tc.status, tc.code)
		})
	}
	wantStatus(t, send(t, srv, admin(http.MethodDelete, "/devicecontrol/newDeviceRequests/dup", "", "")), 204, "")
	if _, ok := s.RequestStatus("dup"); ok {
		t.Fatal("deleted request still there")
	}
}

func TestMediaTypeSpellingsAndEmptyBodies(t *testing.T) {
	_, srv := newServer(t)
	for i, mt := range []string{
		"application/vnd.com.nsn.cumulocity.newDeviceRequest+json",
		"application/vnd.com.nsn.cumulocity.newdevicerequest+json;charset=UTF-8",
		"application/json",
	} {
		q := req{method: http.MethodPost, path: "/devicecontrol/newDeviceRequests", login: "admin", pw: adminPW,
			ct: mt, body: fmt.Sprintf(`{"id":"m%d"}`, i)}
		a := send(t, srv, q) // no Accept: empty body, same status
		wantStatus(t, a, http.StatusCreated, "")
		if a.body != "" {
			t.Fatalf("%s: body without Accept: %q", mt, a.body)
		}
		q.accept, q.body = mt, fmt.Sprintf(`{"id":"n%d"}`, i)
		a = send(t, srv, q)
		wantStatus(t, a, http.StatusCreated, "")
		if a.json["id"] != fmt.Sprintf("n%d", i) {
			t.Fatalf("%s: body with Accept: %q", mt, a.body)
		}
	}
}

func TestNewDeviceRequestPaging(t *testing.T) {
	s, srv := newServer(t)
	for i := range 12 {
		if err := s.CreateRequest(fmt.Sprintf("p%02d", i)); err != nil {
			t.Fatal(err)
		}
	}
	a := send(t, srv, admin(http.MethodGet, "/devicecontrol/newDeviceRequests", "newDeviceRequestCollection", ""))
	items := a.json["newDeviceRequests"].([]any)
	stats := a.json["statistics"].(map[string]any)
	if len(items) != 5 || stats["pageSize"] != 5.0 || stats["currentPage"] != 1.0 || a.json["next"] == nil {
		t.Fatalf("default page: %d items, %v", len(items), a.body)
	}
	a = send(t, srv, admin(http.MethodGet, "/devicecontrol/newDeviceRequests?currentPage=3&pageSize=5", "", ""))
	items = a.json["newDeviceRequests"].([]any)
	if len(items) != 2 || items[0].(map[string]any)["id"] != "p10" || a.json["next"] != nil {
		t.Fatalf("last page: %s", a.body)
	}
	a = send(t, srv, admin(http.MethodGet, "/devicecontrol/newDeviceRequests?pageSize=5000", "", ""))
	if a.json["statistics"].(map[string]any)["pageSize"] != 2000.0 {
		t.Fatalf("pageSize not capped: %s", a.body)
	}
	wantStatus(t, send(t, srv, admin(http.MethodGet, "/devicecontrol/newDeviceRequests?currentPage=0", "", "")), 422, "undefined/validationError")
}

func TestSecurityTokenMismatchBlocks(t *testing.T) {
	s, srv := newServer(t)
	_ = s.CreateRequest("tok")
	q := credsReq("tok", bootPW)
	q.body = `{"id":"tok","securityToken":"s3cr3t"}`
	send(t, srv, q)
	bad := admin(http.MethodPut, "/devicecontrol/newDeviceRequests/tok", "newDeviceRequest", `{"status":"ACCEPTED","securityToken":"nope"}`)
	for range maxTokenFailures {
		wantStatus(t, send(t, srv, bad), 422, "undefined/validationError")
	}
	if st, _ := s.RequestStatus("tok"); st != StatusBlocked {
		t.Fatalf("status %s, want %s", st, StatusBlocked)
	}
}

func TestOperatorHelpers(t *testing.T) {
	s, srv := newServer(t)
	if err := s.Accept("none"); err == nil {
		t.Fatal("accepting an unknown request succeeded")
	}
	_ = s.CreateRequest("h")
	if err := s.CreateRequest("h"); err == nil {
		t.Fatal("duplicate CreateRequest succeeded")
	}
	if err := s.Accept("h"); err == nil {
		t.Fatal("accepting a waiting request succeeded")
	}
	send(t, srv, credsReq("h", bootPW))
	if err := s.Accept("h"); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.RequestStatus("h"); st != StatusAccepted {
		t.Fatalf("status %s", st)
	}
}

func TestDeviceCredentials201(t *testing.T) {
	s := New(Options{BootstrapPassword: bootPW, DeviceCredentialsCreated: true})
	srv := newTestServer(t, s)
	_ = s.CreateRequest("old")
	send(t, srv, credsReq("old", bootPW))
	_ = s.Accept("old")
	a := send(t, srv, credsReq("old", bootPW))
	wantStatus(t, a, http.StatusCreated, "")
	if a.json["password"] == "" {
		t.Fatalf("credentials %s", a.body)
	}
}
