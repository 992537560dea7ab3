package tenantsim

import (
	"net/http"
	"testing"
)

// What the field's clients (go-c8y-cli, the UI) ask for and tenantsim does
// not simulate is answered 501 notSimulated, never a 404 or 405 a client
// would take for the platform's answer.
func TestFieldClientPathsAreNotSimulatedNotMissing(t *testing.T) {
	_, srv := newServer(t)
	for _, q := range []req{
		admin("GET", "/inventory/managedObjects/count", "", ""),
		admin("GET", "/alarm/alarms/count", "", ""),
		admin("GET", "/measurement/measurements/series?source=1", "", ""),
		admin("PUT", "/alarm/alarms?source=1", "alarm", `{"status":"CLEARED"}`),
		admin("PUT", "/user/currentUser", "user", `{"firstName":"A"}`),
	} {
		wantStatus(t, send(t, srv, q), http.StatusNotImplemented, "tenantsim/notSimulated")
	}
}

// An event sent with X-Cumulocity-Processing-Mode: TRANSIENT is answered
// (and notified) but not stored.
func TestTransientEventsAreNotStored(t *testing.T) {
	_, srv := newServer(t)
	mo := send(t, srv, admin("POST", "/inventory/managedObjects", "managedObject", `{"name":"pump"}`)).json["id"].(string)
	q := admin("POST", "/event/events", "event", `{"source":{"id":"`+mo+`"},"type":"t","text":"x","time":"2026-12-01T10:00:00Z"}`)
	q.header = map[string]string{"X-Cumulocity-Processing-Mode": "TRANSIENT"}
	a := send(t, srv, q)
	wantStatus(t, a, http.StatusCreated, "")
	if got := ids(t, send(t, srv, admin("GET", "/event/events?source="+mo, "eventCollection", "")), "events"); len(got) != 0 {
		t.Fatalf("a TRANSIENT event was stored: %v", got)
	}
	wantStatus(t, send(t, srv, admin("GET", "/event/events/"+a.json["id"].(string), "event", "")), http.StatusNotFound, "")
}
