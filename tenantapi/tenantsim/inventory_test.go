package tenantsim

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// registeredDevice walks a device through registration and returns its login and password.
func registeredDevice(t *testing.T, s *Sim, id string, send func(req) answer) (string, string) {
	t.Helper()
	if err := s.CreateRequest(id); err != nil {
		t.Fatal(err)
	}
	send(credsReq(id, bootPW))
	if err := s.Accept(id); err != nil {
		t.Fatal(err)
	}
	a := send(credsReq(id, bootPW))
	if a.status != http.StatusOK {
		t.Fatalf("credentials: %d %s", a.status, a.body)
	}
	return "t1234567/" + a.json["username"].(string), a.json["password"].(string)
}

func TestDeviceInventoryFlow(t *testing.T) {
	s, srv := newServer(t)
	sendT := func(q req) answer { return send(t, srv, q) }
	login, pw := registeredDevice(t, s, "serial-1", sendT)
	dev := func(method, path, media, body string) req {
		q := admin(method, path, media, body)
		q.login, q.pw = login, pw
		return q
	}

	wantStatus(t, sendT(dev("GET", "/identity/externalIds/c8y_Serial/serial-1", "externalId", "")), 404, "identity/Not Found")
	a := sendT(dev("POST", "/inventory/managedObjects", "managedObject",
		`{"name":"Edge","type":"c8y_Edge","c8y_IsDevice":{},"com_cumulocity_model_Agent":{},"c8y_SupportedOperations":["c8y_RemoteAccessConnect"],"id":"forged"}`))
	wantStatus(t, a, http.StatusCreated, "")
	moID := a.json["id"].(string)
	if moID == "forged" || a.json["owner"] != "device_serial-1" || a.json["creationTime"] == nil || a.json["lastUpdated"] == nil || a.json["c8y_IsDevice"] == nil {
		t.Fatalf("created %s", a.body)
	}
	wantStatus(t, sendT(dev("POST", "/identity/globalIds/"+moID+"/externalIds", "externalId", `{"type":"c8y_Serial","externalId":"serial-1"}`)), 201, "")
	a = sendT(dev("GET", "/identity/externalIds/c8y_Serial/serial-1", "externalId", ""))
	if a.status != 200 || a.json["managedObject"].(map[string]any)["id"] != moID || a.json["externalId"] != "serial-1" {
		t.Fatalf("external id %s", a.body)
	}
	wantStatus(t, sendT(dev("PUT", "/inventory/managedObjects/"+moID, "managedObject", `{"c8y_RequiredAvailability":{"responseInterval":10},"c8y_IsDevice":null}`)), 200, "")
	mo, ok := s.ManagedObjectByExternalID("c8y_Serial", "serial-1")
	if !ok || mo["c8y_RequiredAvailability"] == nil || mo["name"] != "Edge" {
		t.Fatalf("stored %v", mo)
	}
	if _, has := mo["c8y_IsDevice"]; has {
		t.Fatal("null did not remove the fragment")
	}

	// Another object bound to the same external id: 409.
	b := sendT(admin("POST", "/inventory/managedObjects", "managedObject", `{"name":"other"}`))
	other := b.json["id"].(string)
	wantStatus(t, sendT(admin("POST", "/identity/globalIds/"+other+"/externalIds", "externalId", `{"type":"c8y_Serial","externalId":"serial-1"}`)), 409, "identity/Duplicate")
	wantStatus(t, sendT(admin("POST", "/identity/globalIds/"+other+"/externalIds", "externalId", `{"type":"c8y_Serial"}`)), 422, "undefined/validationError")
	// The device cannot touch the admin's object; it sees only its own.
	wantStatus(t, sendT(dev("GET", "/inventory/managedObjects/"+other, "managedObject", "")), 403, "security/Forbidden")
	a = sendT(dev("GET", "/inventory/managedObjects", "managedObjectCollection", ""))
	if n := len(a.json["managedObjects"].([]any)); n != 1 {
		t.Fatalf("device sees %d objects", n)
	}
	a = sendT(admin("GET", "/inventory/managedObjects?pageSize=1", "managedObjectCollection", ""))
	if n := len(a.json["managedObjects"].([]any)); n != 1 || a.json["next"] == nil {
		t.Fatalf("admin page: %s", a.body)
	}
	wantStatus(t, sendT(admin("GET", "/inventory/managedObjects/999999", "managedObject", "")), 404, "inventory/Not Found")
	wantStatus(t, sendT(admin("DELETE", "/inventory/managedObjects/"+moID, "", "")), 204, "")
	if _, ok := s.ManagedObjectByExternalID("c8y_Serial", "serial-1"); ok {
		t.Fatal("external id survived the object")
	}
}

func TestOperations(t *testing.T) {
	s, srv := newServer(t)
	sendT := func(q req) answer { return send(t, srv, q) }
	login, pw := registeredDevice(t, s, "op-1", sendT)
	dev := func(method, path, media, body string) req {
		q := admin(method, path, media, body)
		q.login, q.pw = login, pw
		return q
	}
	moID := sendT(dev("POST", "/inventory/managedObjects", "managedObject", `{"name":"d"}`)).json["id"].(string)
	opID := s.CreateOperation(moID, map[string]any{"c8y_RemoteAccessConnect": map[string]any{"hostname": "127.0.0.1", "port": 22, "connectionKey": "k"}})
	s.CreateOperation("elsewhere", nil)

	a := sendT(dev("GET", "/devicecontrol/operations?agentId="+moID+"&status=PENDING", "operationCollection", ""))
	ops := a.json["operations"].([]any)
	if len(ops) != 1 || ops[0].(map[string]any)["id"] != opID || ops[0].(map[string]any)["c8y_RemoteAccessConnect"] == nil {
		t.Fatalf("operations %s", a.body)
	}
	wantStatus(t, sendT(dev("PUT", "/devicecontrol/operations/"+opID, "operation", `{"status":"BOGUS"}`)), 422, "undefined/validationError")
	wantStatus(t, sendT(dev("PUT", "/devicecontrol/operations/"+opID, "operation", `{"status":"FAILED","failureReason":"no sshd"}`)), 200, "")
	if st, why, _ := s.OperationStatus(opID); st != OpFailed || why != "no sshd" {
		t.Fatalf("operation %s %q", st, why)
	}
	wantStatus(t, sendT(dev("GET", "/devicecontrol/operations/999", "operation", "")), 404, "devicecontrol/Not Found")
	// The admin sees both; the device only its own.
	a = sendT(admin("GET", "/devicecontrol/operations", "operationCollection", ""))
	if n := len(a.json["operations"].([]any)); n != 2 {
		t.Fatalf("admin sees %d", n)
	}
}

func TestRemoteAccess(t *testing.T) {
	s, srv := newServer(t)
	sendT := func(q req) answer { return send(t, srv, q) }
	moID := sendT(admin("POST", "/inventory/managedObjects", "managedObject", `{"name":"d"}`)).json["id"].(string)
	base := "/service/remoteaccess/devices/" + moID + "/configurations"
	js := func(method, path, body string) req {
		q := admin(method, path, "", body)
		q.accept = "application/json"
		if body != "" {
			q.ct = "application/json"
		}
		return q
	}
	a := sendT(js("GET", base, ""))
	if a.status != 200 || a.body != "[]" {
		t.Fatalf("empty list: %d %q", a.status, a.body)
	}
	a = sendT(js("POST", base, `{"name":"ssh","hostname":"127.0.0.1","port":22,"protocol":"SSH","credentialsType":"USER_PASS","username":"root","password":"pw-123456"}`))
	wantStatus(t, a, 201, "")
	cid := a.json["id"].(string)
	cr := a.json["credentials"].(map[string]any)
	if cr["username"] != "root" || cr["password"] != nil || a.json["password"] != nil {
		t.Fatalf("created %s", a.body)
	}
	if pw, _ := s.RemoteAccessPassword(moID, cid); pw != "pw-123456" {
		t.Fatalf("stored password %q", pw)
	}
	if mo, _ := s.ManagedObject(moID); len(mo["c8y_RemoteAccessList"].([]any)) != 1 {
		t.Fatalf("c8y_RemoteAccessList %v", mo["c8y_RemoteAccessList"])
	}
	for _, bad := range []string{
		`{"name":"ssh","hostname":"h","port":0,"protocol":"SSH","credentialsType":"NONE"}`,
		`{"name":"ssh","hostname":"h","port":22,"protocol":"FTP","credentialsType":"NONE"}`,
		`{"name":"ssh","hostname":"h","port":22,"protocol":"SSH","credentialsType":"USER_PASS","username":"u"}`,
		`{"hostname":"h","port":22,"protocol":"SSH"}`,
	} {
		wantStatus(t, sendT(js("POST", base, bad)), 422, "undefined/validationError")
	}
	a = sendT(js("PUT", base+"/"+cid, `{"name":"ssh2","hostname":"127.0.0.1","port":2222,"protocol":"SSH","credentialsType":"KEY_PAIR","username":"root","privateKey":"PRIV","publicKey":"PUB"}`))
	if a.status != 200 || a.json["port"] != 2222.0 || a.json["credentials"].(map[string]any)["publicKey"] != "PUB" {
		t.Fatalf("updated %d %s", a.status, a.body)
	}
	wantStatus(t, sendT(js("GET", base+"/404", "")), 404, "remoteaccess/Not Found")
	q := js("GET", base, "")
	q.login, q.pw = "reader", "reader-pass"
	wantStatus(t, sendT(q), 403, "security/Forbidden")
	wantStatus(t, sendT(js("DELETE", base+"/"+cid, "")), 204, "")
	if got := s.RemoteAccessConfigs(moID); len(got) != 0 {
		t.Fatalf("left %v", got)
	}
	wantStatus(t, sendT(js("GET", "/service/remoteaccess/devices/424242/configurations", "")), 404, "inventory/Not Found")
}

func TestRequestLog(t *testing.T) {
	s, srv := newServer(t)
	q := admin("GET", "/tenant/currentTenant", "", "")
	q.header = map[string]string{"X-Cumulocity-Application-Key": "k"}
	send(t, srv, q)
	send(t, srv, credsReq("x", bootPW))
	log := s.Requests()
	if len(log) != 2 {
		t.Fatalf("log %v", log)
	}
	if !log[0].HasAppKey || log[0].User != "t1234567/admin" || log[0].Status != 200 {
		t.Fatalf("first %+v", log[0])
	}
	if log[1].HasAppKey || log[1].User != "management/devicebootstrap" || log[1].Status != 404 {
		t.Fatalf("second %+v", log[1])
	}
	for _, r := range log {
		if fmt.Sprint(r) == "" || containsAny(fmt.Sprintf("%+v", r), adminPW, bootPW) {
			t.Fatalf("password in the log: %+v", r)
		}
	}
	if n := s.CountRequests("POST", "/devicecontrol/"); n != 1 {
		t.Fatalf("count %d", n)
	}
	s.ResetLog()
	if len(s.Requests()) != 0 {
		t.Fatal("log not reset")
	}
}

func containsAny(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}
