package tenantsim

import (
	"net/url"
	"strings"
	"testing"
)

func TestInventoryQueryLanguage(t *testing.T) {
	_, srv := newServer(t)
	sendT := func(q req) answer { return send(t, srv, q) }
	mk := func(body string) string {
		a := sendT(admin("POST", "/inventory/managedObjects", "managedObject", body))
		wantStatus(t, a, 201, "")
		return a.json["id"].(string)
	}
	pumpA := mk(`{"name":"pump A","type":"c8y_Pump","c8y_IsDevice":{},"c8y_Hardware":{"serialNumber":"SN-1"}}`)
	pumpB := mk(`{"name":"pump B","type":"c8y_Pump","c8y_IsDevice":{},"c8y_Hardware":{"serialNumber":"SN-2"}}`)
	valve := mk(`{"name":"valve","type":"c8y_Valve","c8y_IsDevice":{},"tags":["red","blue"]}`)
	group := mk(`{"name":"plant","type":"c8y_DeviceGroup","c8y_IsDeviceGroup":{}}`)
	wantStatus(t, sendT(admin("POST", "/inventory/managedObjects/"+group+"/childAssets", "managedObjectReference", `{"managedObject":{"id":"`+pumpB+`"}}`)), 201, "")
	wantStatus(t, sendT(admin("POST", "/inventory/managedObjects/"+group+"/childAssets", "managedObjectReference", `{"managedObject":{"id":"`+valve+`"}}`)), 201, "")

	list := func(query string) string {
		t.Helper()
		a := sendT(admin("GET", "/inventory/managedObjects?pageSize=100&"+query, "managedObjectCollection", ""))
		if a.status != 200 {
			t.Fatalf("%s: %d %s", query, a.status, a.body)
		}
		return strings.Join(ids(t, a, "managedObjects"), ",")
	}
	qe := url.QueryEscape
	for query, want := range map[string]string{
		// The field report: a lookup by name must find that object only.
		"query=" + qe("name eq 'pump B'"):                                                 pumpB,
		"query=" + qe("$filter=(name eq 'pump*') $orderby=name desc"):                     pumpB + "," + pumpA,
		"query=" + qe("c8y_Hardware.serialNumber eq 'SN-1'"):                              pumpA,
		"query=" + qe("type eq 'c8y_Valve' or (type eq 'c8y_Pump' and name eq 'pump A')"): pumpA + "," + valve,
		"query=" + qe("has(c8y_IsDeviceGroup)"):                                           group,
		// go-c8y-cli's --includeAll pages by id (and sends it as q=).
		"q=" + qe("$filter=(_id gt '"+pumpA+"') $orderby=_id asc"):    pumpB + "," + valve, // q= lists devices only
		"q=" + qe("$filter=(_id lt '"+valve+"') $orderby=_id desc"):   pumpB + "," + pumpA,
		"query=" + qe("bygroupid("+group+")"):                         pumpB + "," + valve,
		"query=" + qe("bygroupid("+group+") and type ne 'c8y_Valve'"): pumpB,
		"query=" + qe("tags eq 'blue'"):                               valve,
		"query=" + qe("id eq '"+valve+"'"):                            valve,
		"query=" + qe("name eq 'it''s'"):                              "",
		"query=" + qe("$orderby=creationTime desc, id desc"):          group + "," + valve + "," + pumpB + "," + pumpA,
		"q=" + qe("name eq '*'"):                                      pumpA + "," + pumpB + "," + valve,
		"ids=" + valve + "," + pumpA:                                  pumpA + "," + valve,
		"text=valve":                                                  valve,
		"text=val":                                                    "",
		"type=c8y_Pump&query=" + qe("name eq 'pump A'"):               pumpA,
		"fragmentType=c8y_Hardware":                                   pumpA + "," + pumpB,
		"type=c8y_*":                                                  "",
	} {
		if got := list(query); got != want {
			t.Errorf("%s: %q, want %q", query, got, want)
		}
	}
	// What is not simulated is refused by name, never ignored.
	for _, query := range []string{
		"query=" + qe("name gt 'a'"),
		"query=" + qe("not(has(x))"),
		"query=" + qe("$orderby=owner"),
		"query=" + qe("name eq"),
		"query=" + qe("(name eq 'x'"),
		"withChildrenCount=true",
		"skipChildrenNames=true",
	} {
		a := sendT(admin("GET", "/inventory/managedObjects?"+query, "managedObjectCollection", ""))
		if a.status != 422 || !strings.HasPrefix(a.json["error"].(string), "tenantsim/") {
			t.Errorf("%s: %d %s", query, a.status, a.body)
		}
	}
}

func TestManagedObjectReferences(t *testing.T) {
	s, srv := newServer(t)
	sendT := func(q req) answer { return send(t, srv, q) }
	mk := func(body string) string {
		return sendT(admin("POST", "/inventory/managedObjects", "managedObject", body)).json["id"].(string)
	}
	agent := mk(`{"name":"edge","childDevices":{"references":[{"managedObject":{"id":"1"}}]}}`)
	child := mk(`{"name":"sensor"}`)
	a := sendT(admin("GET", "/inventory/managedObjects/"+agent, "managedObject", ""))
	for _, k := range childKinds {
		if refs := a.json[k].(map[string]any)["references"].([]any); len(refs) != 0 {
			t.Fatalf("%s given on create was kept: %s", k, a.body)
		}
	}
	base := "/inventory/managedObjects/" + agent + "/childDevices"
	wantStatus(t, sendT(admin("POST", base, "managedObjectReference", `{"managedObject":{"id":"`+child+`"}}`)), 201, "")
	wantStatus(t, sendT(admin("POST", base, "managedObjectReference", `{"managedObject":{"id":"999"}}`)), 422, "undefined/validationError")
	wantStatus(t, sendT(admin("POST", base, "managedObjectReference", `{"managedObject":{"id":"`+agent+`"}}`)), 422, "undefined/validationError")
	a = sendT(admin("GET", "/inventory/managedObjects/"+agent, "managedObject", ""))
	refs := a.json["childDevices"].(map[string]any)["references"].([]any)
	if len(refs) != 1 || refs[0].(map[string]any)["managedObject"].(map[string]any)["name"] != "sensor" {
		t.Fatalf("childDevices %s", a.body)
	}
	c := sendT(admin("GET", "/inventory/managedObjects/"+child+"?withParents=true", "managedObject", ""))
	parents := c.json["deviceParents"].(map[string]any)["references"].([]any)
	if len(parents) != 1 || parents[0].(map[string]any)["managedObject"].(map[string]any)["id"] != agent {
		t.Fatalf("deviceParents %s", c.body)
	}
	if c := sendT(admin("GET", "/inventory/managedObjects/"+child, "managedObject", "")); c.json["deviceParents"] != nil {
		t.Fatal("parents without withParents")
	}
	if l := sendT(admin("GET", base, "managedObjectReferenceCollection", "")); len(l.json["references"].([]any)) != 1 {
		t.Fatalf("list %s", l.body)
	}
	wantStatus(t, sendT(admin("GET", base+"/"+child, "managedObjectReference", "")), 200, "")
	q := admin("POST", base, "managedObjectReference", `{"managedObject":{"id":"`+child+`"}}`)
	q.login, q.pw = "reader", "reader-pass"
	wantStatus(t, sendT(q), 403, "security/Forbidden")
	wantStatus(t, sendT(admin("DELETE", base+"/"+child, "", "")), 204, "")
	wantStatus(t, sendT(admin("DELETE", base+"/"+child, "", "")), 404, "inventory/Not Found")
	// Deleting an object drops the references to it.
	wantStatus(t, sendT(admin("POST", base, "managedObjectReference", `{"managedObject":{"id":"`+child+`"}}`)), 201, "")
	wantStatus(t, sendT(admin("DELETE", "/inventory/managedObjects/"+child, "", "")), 204, "")
	s.mu.Lock()
	n := len(s.childrenLocked(agent, "childDevices"))
	s.mu.Unlock()
	if n != 0 {
		t.Fatalf("%d references to a deleted object", n)
	}
}

func TestChildHelpers(t *testing.T) {
	s, srv := newServer(t)
	g := send(t, srv, admin("POST", "/inventory/managedObjects", "managedObject", `{"name":"g"}`)).json["id"].(string)
	d := send(t, srv, admin("POST", "/inventory/managedObjects", "managedObject", `{"name":"d"}`)).json["id"].(string)
	if err := s.AddChild(g, "childAssets", d); err != nil {
		t.Fatal(err)
	}
	if err := s.AddChild(g, "childAssets", "999"); err == nil {
		t.Fatal("added an unknown child")
	}
	if err := s.AddChild(g, "children", d); err == nil {
		t.Fatal("added to an unknown collection")
	}
	if got := s.Children(g, "childAssets"); len(got) != 1 || got[0] != d {
		t.Fatalf("children %v", got)
	}
}
