package tenantsim

import (
	"strings"
	"testing"
	"time"
)

func TestOperationsCreateAndFilter(t *testing.T) {
	s, srv := newServer(t)
	sendT := func(q req) answer { return send(t, srv, q) }
	agent := sendT(admin("POST", "/inventory/managedObjects", "managedObject", `{"name":"agent","com_cumulocity_model_Agent":{}}`)).json["id"].(string)
	child := sendT(admin("POST", "/inventory/managedObjects", "managedObject", `{"name":"child"}`)).json["id"].(string)
	wantStatus(t, sendT(admin("POST", "/inventory/managedObjects/"+agent+"/childDevices", "managedObjectReference",
		`{"managedObject":{"id":"`+child+`"}}`)), 201, "")
	sendT(admin("POST", "/identity/globalIds/"+agent+"/externalIds", "externalId", `{"type":"c8y_Serial","externalId":"edge-1"}`))

	create := func(dev, frag string) answer {
		return sendT(admin("POST", "/devicecontrol/operations", "operation",
			`{"deviceId":"`+dev+`","description":"d","`+frag+`":{},"status":"SUCCESSFUL","id":"1"}`))
	}
	o1 := create(agent, "c8y_Restart")
	wantStatus(t, o1, 201, "")
	if o1.json["status"] != OpPending || o1.json["id"] == "1" || o1.json["creationTime"] == nil || o1.json["c8y_Restart"] == nil {
		t.Fatalf("created %s", o1.body)
	}
	o2 := create(child, "c8y_Software")
	o3 := create(agent, "c8y_Software")
	id := func(a answer) string { return a.json["id"].(string) }
	s.SetOperationStatus(id(o3), OpExecuting, "")

	list := func(query string) answer {
		return sendT(admin("GET", "/devicecontrol/operations?"+query, "operationCollection", ""))
	}
	for query, want := range map[string]string{
		"deviceId=" + agent:                        id(o1) + "," + id(o3),
		"agentId=" + agent:                         id(o1) + "," + id(o2) + "," + id(o3),
		"agentId=" + agent + "&status=PENDING":     id(o1) + "," + id(o2),
		"fragmentType=c8y_Software":                id(o2) + "," + id(o3),
		"fragmentType=c8y_Software&revert=true":    id(o3) + "," + id(o2),
		"dateFrom=2000-01-01&dateTo=2000-01-02":    "",
		"pageSize=2&currentPage=2":                 id(o3),
		"deviceId=" + child + "&status=SUCCESSFUL": "",
	} {
		if got := strings.Join(ids(t, list(query), "operations"), ","); got != want {
			t.Errorf("%s: %q, want %q", query, got, want)
		}
	}
	// deviceExternalIDs only in lists by agentId (as the reference says).
	ops := list("agentId=" + agent + "&deviceId=" + agent).json["operations"].([]any)
	ext := ops[0].(map[string]any)["deviceExternalIDs"].(map[string]any)["externalIds"].([]any)
	if len(ext) != 1 || ext[0].(map[string]any)["externalId"] != "edge-1" {
		t.Fatalf("deviceExternalIDs %v", ops[0])
	}
	if list("deviceId=" + agent).json["operations"].([]any)[0].(map[string]any)["deviceExternalIDs"] != nil {
		t.Fatal("deviceExternalIDs without agentId")
	}
	wantStatus(t, list("status=DONE"), 422, "undefined/validationError")
	wantStatus(t, list("bulkOperationId=5"), 422, "tenantsim/filterNotSimulated")
	wantStatus(t, sendT(admin("POST", "/devicecontrol/operations", "operation", `{"c8y_Restart":{}}`)), 422, "undefined/validationError")
	wantStatus(t, sendT(admin("POST", "/devicecontrol/operations", "operation", `{"deviceId":"999"}`)), 422, "undefined/validationError")
	q := admin("POST", "/devicecontrol/operations", "operation", `{"deviceId":"`+agent+`"}`)
	q.login, q.pw = "reader", "reader-pass"
	wantStatus(t, sendT(q), 403, "security/Forbidden")
	wantStatus(t, sendT(admin("DELETE", "/devicecontrol/operations", "", "")), 501, "tenantsim/notSimulated")

	// The in-process view matches.
	if got := s.Operations(OperationFilter{AgentID: agent, Status: OpPending}); len(got) != 2 || got[1]["deviceId"] != child {
		t.Fatalf("Operations helper: %v", got)
	}
	if got := s.Operations(OperationFilter{DateFrom: time.Now().Add(time.Hour)}); len(got) != 0 {
		t.Fatalf("dateFrom in the future: %v", got)
	}
	if op, ok := s.Operation(id(o3)); !ok || op["status"] != OpExecuting {
		t.Fatalf("Operation helper: %v", op)
	}
}
