package tenantsim

import (
	"net/http"
	"strings"
	"testing"
)

func ids(t *testing.T, a answer, key string) []string {
	t.Helper()
	items, ok := a.json[key].([]any)
	if !ok {
		t.Fatalf("no %s in %d %s", key, a.status, a.body)
	}
	var out []string
	for _, it := range items {
		out = append(out, it.(map[string]any)["id"].(string))
	}
	return out
}

func TestEventsCreateListFilter(t *testing.T) {
	s, srv := newServer(t)
	sendT := func(q req) answer { return send(t, srv, q) }
	mo := sendT(admin("POST", "/inventory/managedObjects", "managedObject", `{"name":"pump"}`)).json["id"].(string)
	other := sendT(admin("POST", "/inventory/managedObjects", "managedObject", `{"name":"valve"}`)).json["id"].(string)
	post := func(src, typ, tm string) answer {
		return sendT(admin("POST", "/event/events", "event",
			`{"source":{"id":"`+src+`"},"type":"`+typ+`","text":"t","time":"`+tm+`","c8y_Extra":{"a":1}}`))
	}
	e1 := post(mo, "c8y_Door", "2026-12-01T10:00:00.000Z")
	wantStatus(t, e1, 201, "")
	if e1.json["source"].(map[string]any)["name"] != "pump" || !strings.HasSuffix(e1.header.Get("Location"), "/event/events/"+e1.json["id"].(string)) {
		t.Fatalf("created %s (Location %q)", e1.body, e1.header.Get("Location"))
	}
	e2 := post(mo, "c8y_Door", "2026-12-01T11:00:00.000+01:00") // = 10:00Z, created later
	e3 := post(other, "c8y_Door", "2026-12-01T12:00:00.000Z")
	e4 := post(mo, "c8y_Login", "2026-12-01T09:00:00.000Z")
	id := func(a answer) string { return a.json["id"].(string) }

	// No Accept header: 201 with an empty body, like every POST.
	q := admin("POST", "/event/events", "event", `{"source":{"id":"`+mo+`"},"type":"x","text":"t","time":"2026-12-01T10:00:00Z"}`)
	q.accept = ""
	if a := sendT(q); a.status != 201 || a.body != "" {
		t.Fatalf("no Accept: %d %q", a.status, a.body)
	}

	// Oldest first without a range; a range query is newest first (revert turns it).
	got := ids(t, sendT(admin("GET", "/event/events?source="+mo+"&type=c8y_Door", "eventCollection", "")), "events")
	if strings.Join(got, ",") != id(e1)+","+id(e2) {
		t.Fatalf("source+type: %v", got)
	}
	got = ids(t, sendT(admin("GET", "/event/events?type=c8y_Door&dateFrom=2026-12-01T10:00:00Z&dateTo=2026-12-01T12:00:00Z", "eventCollection", "")), "events")
	if strings.Join(got, ",") != id(e2)+","+id(e1) {
		t.Fatalf("range (dateTo exclusive, newest first): %v", got)
	}
	got = ids(t, sendT(admin("GET", "/event/events?dateFrom=2026-12-01&revert=true&pageSize=100", "eventCollection", "")), "events")
	if len(got) != 5 || got[0] != id(e4) || got[4] != id(e3) {
		t.Fatalf("revert: %v (want %s first, %s last)", got, id(e4), id(e3))
	}
	if got = ids(t, sendT(admin("GET", "/event/events?fragmentType=c8y_Extra&pageSize=10", "eventCollection", "")), "events"); len(got) != 4 {
		t.Fatalf("fragmentType: %v", got)
	}
	// Paging and a single GET.
	a := sendT(admin("GET", "/event/events?pageSize=2&currentPage=2", "eventCollection", ""))
	if len(ids(t, a, "events")) != 2 || a.json["prev"] == nil {
		t.Fatalf("page 2: %s", a.body)
	}
	one := sendT(admin("GET", "/event/events/"+id(e3), "event", ""))
	if one.status != 200 || one.json["source"].(map[string]any)["id"] != other {
		t.Fatalf("get: %d %s", one.status, one.body)
	}
	// A PUT changes text and fragments, never source or type.
	wantStatus(t, sendT(admin("PUT", "/event/events/"+id(e3), "event", `{"text":"new","type":"other","c8y_Extra":null}`)), 200, "")
	if ev := s.Events(Filter{Source: other})[0]; ev["text"] != "new" || ev["type"] != "c8y_Door" || ev["c8y_Extra"] != nil {
		t.Fatalf("after PUT: %v", ev)
	}
}

func TestDataRefusals(t *testing.T) {
	s, srv := newServer(t)
	sendT := func(q req) answer { return send(t, srv, q) }
	mo := sendT(admin("POST", "/inventory/managedObjects", "managedObject", `{"name":"d"}`)).json["id"].(string)
	reader := func(method, path, media, body string) req {
		q := admin(method, path, media, body)
		q.login, q.pw = "reader", "reader-pass"
		return q
	}
	cases := []struct {
		name   string
		q      req
		status int
		code   string
	}{
		{"no source", admin("POST", "/event/events", "event", `{"type":"x","text":"t","time":"2026-12-01T10:00:00Z"}`), 422, "undefined/validationError"},
		{"unknown source", admin("POST", "/event/events", "event", `{"source":{"id":"999"},"type":"x","text":"t","time":"2026-12-01T10:00:00Z"}`), 422, "undefined/validationError"},
		{"no time", admin("POST", "/measurement/measurements", "measurement", `{"source":{"id":"`+mo+`"},"type":"x"}`), 422, "undefined/validationError"},
		{"bad time", admin("POST", "/event/events", "event", `{"source":{"id":"`+mo+`"},"type":"x","text":"t","time":"yesterday"}`), 422, "undefined/validationError"},
		{"alarm without severity", admin("POST", "/alarm/alarms", "alarm", `{"source":{"id":"`+mo+`"},"type":"x","text":"t","time":"2026-12-01T10:00:00Z"}`), 422, "undefined/validationError"},
		{"alarm bad status", admin("POST", "/alarm/alarms", "alarm", `{"source":{"id":"`+mo+`"},"type":"x","text":"t","time":"2026-12-01T10:00:00Z","severity":"MAJOR","status":"OPEN"}`), 422, "undefined/validationError"},
		{"wrong content type", req{method: "POST", path: "/event/events", login: "t1234567/admin", pw: adminPW, ct: "text/plain", body: "{}"}, 415, "undefined/unsupportedMediaType"},
		{"no role to create", reader("POST", "/event/events", "event", `{"source":{"id":"`+mo+`"},"type":"x","text":"t","time":"2026-12-01T10:00:00Z"}`), 403, "security/Forbidden"},
		{"no role to list", reader("GET", "/alarm/alarms", "alarmCollection", ""), 403, "security/Forbidden"},
		{"filter not simulated", admin("GET", "/event/events?withSourceDevices=true", "eventCollection", ""), 422, "tenantsim/filterNotSimulated"},
		{"bad dateFrom", admin("GET", "/alarm/alarms?dateFrom=soon", "alarmCollection", ""), 422, "undefined/validationError"},
		{"unknown id", admin("GET", "/measurement/measurements/424242", "measurement", ""), 404, "measurement/Not Found"},
		{"delete not simulated", admin("DELETE", "/event/events", "", ""), 501, "tenantsim/notSimulated"},
		{"measurement PUT", admin("PUT", "/measurement/measurements/1", "measurement", `{}`), 405, "undefined/methodNotAllowed"},
		{"no credentials", req{method: "GET", path: "/event/events"}, 401, "security/Unauthorized"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { wantStatus(t, sendT(c.q), c.status, c.code) })
	}
	if n := len(s.Events(Filter{})) + len(s.Alarms(Filter{})) + len(s.Measurements(Filter{})); n != 0 {
		t.Fatalf("refused requests stored %d objects", n)
	}
}

func TestAlarmDeduplication(t *testing.T) {
	s, srv := newServer(t)
	sendT := func(q req) answer { return send(t, srv, q) }
	mo := sendT(admin("POST", "/inventory/managedObjects", "managedObject", `{"name":"d"}`)).json["id"].(string)
	raise := func(tm, sev string) answer {
		return sendT(admin("POST", "/alarm/alarms", "alarm",
			`{"source":{"id":"`+mo+`"},"type":"c8y_Overheat","text":"hot","time":"`+tm+`","severity":"`+sev+`"}`))
	}
	first := raise("2026-12-01T10:00:00.000Z", "MAJOR")
	wantStatus(t, first, 201, "")
	if first.json["status"] != AlarmActive || first.json["count"] != 1.0 {
		t.Fatalf("first: %s", first.body)
	}
	second := raise("2026-12-01T10:05:00.000Z", "CRITICAL")
	if second.json["id"] != first.json["id"] || second.json["count"] != 2.0 ||
		second.json["time"] != "2026-12-01T10:05:00.000Z" || second.json["severity"] != "MAJOR" ||
		second.json["firstOccurrenceTime"] != "2026-12-01T10:00:00.000Z" {
		t.Fatalf("de-duplicated: %s", second.body)
	}
	// Acknowledged still de-duplicates; cleared does not.
	wantStatus(t, sendT(admin("PUT", "/alarm/alarms/"+first.json["id"].(string), "alarm", `{"status":"ACKNOWLEDGED"}`)), 200, "")
	if a := raise("2026-12-01T10:06:00Z", "MAJOR"); a.json["id"] != first.json["id"] || a.json["count"] != 3.0 {
		t.Fatalf("acknowledged: %s", a.body)
	}
	if err := s.SetAlarmStatus(first.json["id"].(string), AlarmCleared); err != nil {
		t.Fatal(err)
	}
	third := raise("2026-12-01T10:10:00Z", "MINOR")
	if third.json["id"] == first.json["id"] || third.json["count"] != 1.0 {
		t.Fatalf("after clear: %s", third.body)
	}
	got := ids(t, sendT(admin("GET", "/alarm/alarms?status=ACTIVE,ACKNOWLEDGED&severity=MINOR", "alarmCollection", "")), "alarms")
	if len(got) != 1 || got[0] != third.json["id"] {
		t.Fatalf("status+severity filter: %v", got)
	}
	if n := len(s.Alarms(Filter{Status: AlarmCleared})); n != 1 {
		t.Fatalf("cleared alarms: %d", n)
	}
}

func TestMeasurementsAndHelpers(t *testing.T) {
	s, srv := newServer(t)
	sendT := func(q req) answer { return send(t, srv, q) }
	login, pw := registeredDevice(t, s, "m-1", sendT)
	dev := func(method, path, media, body string) req {
		q := admin(method, path, media, body)
		q.login, q.pw = login, pw
		return q
	}
	own := sendT(dev("POST", "/inventory/managedObjects", "managedObject", `{"name":"mine"}`)).json["id"].(string)
	foreign := sendT(admin("POST", "/inventory/managedObjects", "managedObject", `{"name":"not mine"}`)).json["id"].(string)
	// A device writes measurements of its own objects without any role.
	wantStatus(t, sendT(dev("POST", "/measurement/measurements", "measurement",
		`{"source":{"id":"`+own+`"},"type":"c8y_Temperature","time":"2026-12-01T10:00:00Z","c8y_Temperature":{"T":{"value":21.5,"unit":"C"}}}`)), 201, "")
	wantStatus(t, sendT(dev("POST", "/measurement/measurements", "measurement",
		`{"source":{"id":"`+foreign+`"},"type":"c8y_Temperature","time":"2026-12-01T10:00:00Z"}`)), 403, "security/Forbidden")
	if _, err := s.CreateMeasurement(foreign, "c8y_Humidity", map[string]any{"c8y_Humidity": map[string]any{"H": map[string]any{"value": 40}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateMeasurement("999", "x", nil); err == nil {
		t.Fatal("a measurement of an unknown source was recorded")
	}
	// The device lists only its own; valueFragmentType/Series filter.
	if got := ids(t, sendT(dev("GET", "/measurement/measurements", "measurementCollection", "")), "measurements"); len(got) != 1 {
		t.Fatalf("device sees %v", got)
	}
	for query, want := range map[string]int{
		"valueFragmentType=c8y_Temperature":                       1,
		"valueFragmentType=c8y_Temperature&valueFragmentSeries=T": 1,
		"valueFragmentSeries=H":                                   1,
		"valueFragmentType=c8y_Temperature&valueFragmentSeries=H": 0,
	} {
		if got := ids(t, sendT(admin("GET", "/measurement/measurements?"+query, "measurementCollection", "")), "measurements"); len(got) != want {
			t.Errorf("%s: %d, want %d", query, len(got), want)
		}
	}
	if got := s.Measurements(Filter{ValueFragmentSeries: "H"}); len(got) != 1 || got[0]["self"] != nil {
		t.Fatalf("helper list: %v", got)
	}
	evID, err := s.CreateEvent(own, "c8y_Boot", "booted", map[string]any{"time": "2026-12-01T09:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	if ev := sendT(dev("GET", "/event/events/"+evID, "event", "")); ev.status != 200 || ev.json["time"] != "2026-12-01T09:00:00Z" {
		t.Fatalf("helper event over HTTP: %d %s", ev.status, ev.body)
	}
	if _, err := s.CreateAlarm(own, "x", "y", "LOUD", nil); err == nil {
		t.Fatal("an alarm with a bad severity was raised")
	}
}

func TestWatchReportsChangesInOrder(t *testing.T) {
	s, srv := newServer(t)
	sendT := func(q req) answer { return send(t, srv, q) }
	var got []string
	stop := s.Watch(func(c Change) {
		got = append(got, c.API+" "+c.Action)
		if c.API == APIEvent {
			// A watcher may change the Sim itself (the Data Broker sim does).
			if _, err := s.CreateAlarm(str(c.Object["source"].(map[string]any), "id"), "fromEvent", "t", SeverityMinor, nil); err != nil {
				t.Error(err)
			}
		}
	})
	mo := sendT(admin("POST", "/inventory/managedObjects", "managedObject", `{"name":"d"}`)).json["id"].(string)
	if _, err := s.CreateEvent(mo, "e", "t", nil); err != nil {
		t.Fatal(err)
	}
	op := sendT(admin("POST", "/devicecontrol/operations", "operation", `{"deviceId":"`+mo+`","c8y_Restart":{}}`))
	wantStatus(t, op, http.StatusCreated, "")
	stop()
	stop()
	s.CreateOperation(mo, nil)
	want := "managedobject CREATE,event CREATE,alarm CREATE,operation CREATE"
	if strings.Join(got, ",") != want {
		t.Fatalf("changes %q, want %q", strings.Join(got, ","), want)
	}
}
