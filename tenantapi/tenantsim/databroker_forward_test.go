package tenantsim

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func connectorState(t *testing.T, edge *Sim, id string) (status, dest string) {
	t.Helper()
	edge.mu.Lock()
	defer edge.mu.Unlock()
	c := edge.broker.connectors[id]
	return c.status, c.destStatus
}

// TestBrokerLinksAndForwards walks a connector from created to forwarding
// between two tenants over HTTP: bootstrap with the code, acceptance,
// virtual group, forwarded measurements (not the events it does not
// share), destination disable ("Pending"), suspend, and the CRITICAL alarm
// when the destination is gone.
func TestBrokerLinksAndForwards(t *testing.T) {
	cloud, cloudSrv := newServer(t)
	cloud.AddUser(User{Name: "admin", Password: adminPW, Roles: append(AllRoles(), BrokerRoles()...)})
	edge, edgeSrv := newEdgeServer(t)
	dev := edge.AddManagedObject("admin", map[string]any{"name": "pump-1", "c8y_IsDevice": map[string]any{}})
	body := strings.Replace(goodConnector, "https://cloud.example.com", cloudSrv.URL, 1)
	a := send(t, edgeSrv, edgeAdmin(http.MethodPost, "/databroker/connectors", body))
	wantStatus(t, a, http.StatusCreated, "")
	id, code := a.json["id"].(string), a.json["code"].(string)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- edge.RunBroker(ctx, BrokerOptions{BootstrapPassword: bootPW, Interval: 10 * time.Millisecond})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	waitUntil(t, "the broker runs", func() bool { edge.mu.Lock(); defer edge.mu.Unlock(); return edge.broker.running })
	if err := edge.RunBroker(ctx, BrokerOptions{}); err == nil {
		t.Fatal("a second RunBroker of the same tenant did not refuse")
	}

	// Not subscribed yet: nothing happens, the connector waits.
	time.Sleep(50 * time.Millisecond)
	if st, _ := connectorState(t, edge, id); st != ConnectorWaiting {
		t.Fatalf("status %s before any subscription, want WAITING", st)
	}
	a = send(t, cloudSrv, admin(http.MethodPost, "/devicecontrol/newDeviceRequests", ndrType, `{"id":"`+code+`","type":"c8y_DataBroker"}`))
	wantStatus(t, a, http.StatusCreated, "")
	waitUntil(t, "the subscription is pending with the source's name", func() bool {
		a := send(t, cloudSrv, admin(http.MethodGet, "/devicecontrol/newDeviceRequests/"+code, ndrType, ""))
		src, _ := mapOf(a.json["customProperties"])[brokerSourceFrag].(map[string]any)
		return a.json["status"] == StatusPending && src["connectorName"] == "To cloud" && src["domain"] == "edge.test.local"
	})
	if err := cloud.Accept(code); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the connector is active", func() bool {
		st, d := connectorState(t, edge, id)
		return st == ConnectorActive && d == ConnectorActive
	})
	group, ok := cloud.VirtualGroup(code)
	if !ok || mapOf(group[brokerSourceFrag])["status"] != ConnectorActive {
		t.Fatalf("virtual group %v", group)
	}

	if _, err := edge.CreateEvent(dev, "not_shared", "an event", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := edge.CreateMeasurement(dev, "c8y_Temperature", map[string]any{"c8y_Temperature": map[string]any{"T": map[string]any{"value": 21.5, "unit": "C"}}}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the measurement arrives", func() bool { return len(cloud.Measurements(Filter{})) == 1 })
	m := cloud.Measurements(Filter{})[0]
	remote := mapOf(m["source"])["id"].(string)
	if remote == dev {
		t.Fatal("the measurement kept the Edge's source id")
	}
	group, _ = cloud.VirtualGroup(code)
	if kids := cloud.Children(group["id"].(string), "childAssets"); len(kids) != 1 || kids[0] != remote {
		t.Fatalf("forwarded device not under the virtual group: %v", kids)
	}
	if n := len(cloud.Events(Filter{})); n != 0 {
		t.Fatalf("%d events forwarded by a connector sharing measurements and alarms only", n)
	}

	// The destination disables the subscription: Pending at the source.
	owner := group["owner"].(string)
	a = send(t, cloudSrv, admin(http.MethodPut, "/user/t1234567/users/"+owner, "user", `{"enabled":false}`))
	wantStatus(t, a, http.StatusOK, "")
	waitUntil(t, "the destination status is SUSPENDED", func() bool { _, d := connectorState(t, edge, id); return d == ConnectorSuspended })
	send(t, cloudSrv, admin(http.MethodPut, "/user/t1234567/users/"+owner, "user", `{"enabled":true}`))
	waitUntil(t, "the destination status is ACTIVE again", func() bool { _, d := connectorState(t, edge, id); return d == ConnectorActive })

	// Suspended forwards nothing; resumed it forwards what was kept.
	send(t, edgeSrv, edgeAdmin(http.MethodPut, "/databroker/connectors/"+id, `{"status":"SUSPENDED"}`))
	edge.CreateMeasurement(dev, "c8y_Temperature", map[string]any{"c8y_Temperature": map[string]any{"T": map[string]any{"value": 22}}})
	time.Sleep(60 * time.Millisecond)
	if n := len(cloud.Measurements(Filter{})); n != 1 {
		t.Fatalf("%d measurements in the cloud while suspended, want 1", n)
	}
	a = send(t, edgeSrv, edgeAdmin(http.MethodPut, "/databroker/connectors/"+id, `{"status":"ACTIVE"}`))
	if a.json["status"] != ConnectorActive {
		t.Fatalf("resume: %s", a.body)
	}
	waitUntil(t, "the kept measurement arrives", func() bool { return len(cloud.Measurements(Filter{})) == 2 })

	// The destination is gone: a CRITICAL alarm at the source, only one.
	cloudSrv.Close()
	edge.CreateMeasurement(dev, "c8y_Temperature", map[string]any{"c8y_Temperature": map[string]any{"T": map[string]any{"value": 23}}})
	waitUntil(t, "the CRITICAL alarm", func() bool { return len(edge.Alarms(Filter{Severity: SeverityCritical})) == 1 })
	time.Sleep(60 * time.Millisecond)
	al := edge.Alarms(Filter{Severity: SeverityCritical})
	if len(al) != 1 || fmt.Sprint(al[0]["count"]) != "1" {
		t.Fatalf("alarms %v: want one, raised once (at most one a minute)", al)
	}
	src := mapOf(al[0]["source"])["id"].(string)
	mo, _ := edge.ManagedObject(src)
	if mo["type"] != "c8y_DataBroker" || mapOf(mo["c8y_DataBroker"])["connectorId"] != id {
		t.Fatalf("alarm source %v", mo)
	}
}
