package tenantsim

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func newEdgeServer(t *testing.T) (*Sim, *httptest.Server) {
	t.Helper()
	s := New(Options{TenantID: "edge", DomainName: "edge.test.local",
		Users: []User{{Name: "admin", Password: adminPW, Roles: append(AllRoles(), BrokerRoles()...)},
			{Name: "plain", Password: "plain-pass", Roles: AllRoles()}}})
	return s, newTestServer(t, s)
}

func edgeAdmin(method, path, body string) req {
	q := admin(method, path, connectorType, body)
	q.login = "edge/admin"
	return q
}

const goodConnector = `{"name":"To cloud","instanceUrl":"https://cloud.example.com","filters":[{"apis":["measurement","alarm"],"fragmentsToCopy":null,"typeFilter":""}]}`

func TestConnectorCreateAndRules(t *testing.T) {
	_, srv := newEdgeServer(t)
	url := srv.URL
	a := send(t, srv, edgeAdmin(http.MethodPost, "/databroker/connectors", goodConnector))
	wantStatus(t, a, http.StatusCreated, "")
	if a.json["status"] != ConnectorWaiting || a.json["code"] == "" || a.json["tenantId"] != "edge" {
		t.Fatalf("created connector %v", a.json)
	}
	if _, has := a.json["password"]; has {
		t.Fatal("the connector shows a password")
	}
	id := a.json["id"].(string)
	cases := []struct {
		name, body string
		status     int
		msg        string
	}{
		{"duplicate name", strings.Replace(goodConnector, "cloud.example.com", "other.example.com", 1), http.StatusConflict, "Duplicated connector for name To cloud!"},
		{"duplicate target", strings.Replace(goodConnector, "To cloud", "Other", 1), http.StatusConflict, "Duplicated connector for instanceUrl https://cloud.example.com!"},
		{"no filter", `{"name":"x","instanceUrl":"https://x.example.com","filters":[]}`, http.StatusUnprocessableEntity, "at least one filter"},
		{"no api", `{"name":"x","instanceUrl":"https://x.example.com","filters":[{"apis":[]}]}`, http.StatusUnprocessableEntity, "apis"},
		{"unknown api", `{"name":"x","instanceUrl":"https://x.example.com","filters":[{"apis":["tea"]}]}`, http.StatusUnprocessableEntity, "'tea'"},
		{"both scopes", `{"name":"x","instanceUrl":"https://x.example.com","filters":[{"apis":["*"],"sourceId":"1","deviceGroupId":"2"}]}`, http.StatusUnprocessableEntity, "not both"},
		{"no name", `{"instanceUrl":"https://x.example.com","filters":[{"apis":["*"]}]}`, http.StatusUnprocessableEntity, "name"},
		{"no url", `{"name":"x","filters":[{"apis":["*"]}]}`, http.StatusUnprocessableEntity, "instanceUrl"},
		{"bad url", `{"name":"x","instanceUrl":"ftp://x","filters":[{"apis":["*"]}]}`, http.StatusUnprocessableEntity, "instanceUrl"},
		{"server field status", `{"name":"x","instanceUrl":"https://x.example.com","status":"ACTIVE","filters":[{"apis":["*"]}]}`, http.StatusUnprocessableEntity, "status: is set by the platform"},
		{"server field code", `{"name":"x","instanceUrl":"https://x.example.com","code":"abc","filters":[{"apis":["*"]}]}`, http.StatusUnprocessableEntity, "code: is set by the platform"},
		{"cycle", `{"name":"x","instanceUrl":"` + url + `","filters":[{"apis":["*"]}]}`, http.StatusUnprocessableEntity, "Cycle detected"},
	}
	for _, c := range cases {
		a := send(t, srv, edgeAdmin(http.MethodPost, "/databroker/connectors", c.body))
		if a.status != c.status || !strings.Contains(a.body, c.msg) {
			t.Errorf("%s: %d %s, want %d with %q", c.name, a.status, a.body, c.status, c.msg)
		}
	}
	// Edits: name, description, filters; not the target, not server fields.
	a = send(t, srv, edgeAdmin(http.MethodPut, "/databroker/connectors/"+id, `{"instanceUrl":"https://moved.example.com"}`))
	if a.status != http.StatusUnprocessableEntity || !strings.Contains(a.body, "cannot be changed once") {
		t.Fatalf("target change: %d %s", a.status, a.body)
	}
	a = send(t, srv, edgeAdmin(http.MethodPut, "/databroker/connectors/"+id, `{"code":"mine"}`))
	wantStatus(t, a, http.StatusUnprocessableEntity, "undefined/validationError")
	a = send(t, srv, edgeAdmin(http.MethodPut, "/databroker/connectors/"+id, `{"name":"Renamed","description":"d"}`))
	if a.status != http.StatusOK || a.json["name"] != "Renamed" || a.json["description"] != "d" {
		t.Fatalf("rename: %d %s", a.status, a.body)
	}
	a = send(t, srv, edgeAdmin(http.MethodPut, "/databroker/connectors/"+id, `{"status":"SUSPENDED"}`))
	if a.json["status"] != ConnectorSuspended {
		t.Fatalf("suspend: %s", a.body)
	}
	a = send(t, srv, edgeAdmin(http.MethodPut, "/databroker/connectors/"+id, `{"status":"ACTIVE"}`))
	if a.json["status"] != ConnectorWaiting {
		t.Fatalf("resume of a never-linked connector: %s (want WAITING)", a.body)
	}
	a = send(t, srv, edgeAdmin(http.MethodPut, "/databroker/connectors/"+id, `{"status":"BROKEN"}`))
	wantStatus(t, a, http.StatusUnprocessableEntity, "")
	// Roles: a user without the Data Broker roles is refused.
	q := edgeAdmin(http.MethodGet, "/databroker/connectors", "")
	q.login, q.pw = "edge/plain", "plain-pass"
	wantStatus(t, send(t, srv, q), http.StatusForbidden, "security/Forbidden")
	q = edgeAdmin(http.MethodGet, "/databroker/connectors", "")
	q.accept = mediaType(connectorType + "Collection")
	a = send(t, srv, q)
	if list, _ := a.json["connectors"].([]any); len(list) != 1 {
		t.Fatalf("list: %s", a.body)
	}
	wantStatus(t, send(t, srv, edgeAdmin(http.MethodDelete, "/databroker/connectors/"+id, "")), http.StatusNoContent, "")
	wantStatus(t, send(t, srv, edgeAdmin(http.MethodGet, "/databroker/connectors/"+id, "")), http.StatusNotFound, "databroker/Not Found")
}
