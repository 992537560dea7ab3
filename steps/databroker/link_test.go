package databroker

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/edge-setup/edge-setup/tenantapi"
	wire "github.com/edge-setup/edge-setup/tenantapi/databroker"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	boot   = "boot-pass-1"
	userPW = "user-pass-1"
)

type world struct {
	cloud, edge       *tenantsim.Sim
	cloudSrv, edgeSrv *httptest.Server
	b                 *Broker
	dev               string
}

// newWorld is a cloud tenant and an Edge tenant whose Data Broker runs
// (fast), with one device on the Edge; cloudUser gives the broker a cloud
// tenant user.
func newWorld(t *testing.T, cloudUser bool, opts ...func(*tenantsim.BrokerOptions)) *world {
	t.Helper()
	roles := append(tenantsim.AllRoles(), tenantsim.BrokerRoles()...)
	w := &world{
		cloud: tenantsim.New(tenantsim.Options{BootstrapPassword: boot, Users: []tenantsim.User{{Name: "admin", Password: userPW, Roles: roles}}}),
		edge:  tenantsim.New(tenantsim.Options{TenantID: "edge", DomainName: "edge.test", Users: []tenantsim.User{{Name: "admin", Password: userPW, Roles: roles}}}),
	}
	w.cloudSrv, w.edgeSrv = httptest.NewServer(w.cloud), httptest.NewServer(w.edge)
	w.dev = w.edge.AddManagedObject("admin", map[string]any{"name": "pump-1", "c8y_IsDevice": map[string]any{}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	o := tenantsim.BrokerOptions{BootstrapPassword: boot, Interval: 10 * time.Millisecond, RequestTimeout: time.Second}
	for _, f := range opts {
		f(&o)
	}
	go func() {
		defer close(done)
		_ = w.edge.RunBroker(ctx, o)
	}()
	t.Cleanup(func() { cancel(); <-done; w.cloudSrv.Close(); w.edgeSrv.Close() })
	edgeAPI, _ := tenantapi.New(tenantapi.Options{BaseURL: w.edgeSrv.URL, Timeout: 2 * time.Second})
	w.b = &Broker{Edge: &wire.Client{API: edgeAPI, As: tenantapi.Credentials{Tenant: "edge", User: "admin", Password: userPW}},
		CloudURL: w.cloudSrv.URL, Domain: "edge.test"}
	if cloudUser {
		cloudAPI, _ := tenantapi.New(tenantapi.Options{BaseURL: w.cloudSrv.URL, Timeout: 2 * time.Second})
		w.b.Cloud = &wire.Destination{API: cloudAPI, As: tenantapi.Credentials{Tenant: "t1234567", User: "admin", Password: userPW}}
	}
	return w
}

func fastSleep(ctx context.Context, _ time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(10 * time.Millisecond):
		return nil
	}
}

func wanted(t *testing.T, w *world, share string) Wanted {
	t.Helper()
	wt, err := NewWanted("Edge A", "", share, ScopeAll, nil, "", w.b.CloudURL)
	if err != nil {
		t.Fatal(err)
	}
	return wt
}

// TestLinkWithCloudUser: created -> subscribed -> pending -> accepted ->
// active with the virtual group, then measurements arriving.
func TestLinkWithCloudUser(t *testing.T) {
	w := newWorld(t, true)
	ctx := context.Background()
	did, c, err := w.b.Ensure(ctx, wanted(t, w, "measurements, alarms"))
	if err != nil || did != "created" {
		t.Fatalf("ensure: %s %v", did, err)
	}
	var seen []string
	out, err := w.b.Follow(ctx, c.ID, true, 10*time.Second, fastSleep, func(o LinkOutcome) { seen = append(seen, o.Status) })
	if err != nil {
		t.Fatalf("follow: %v (seen %v)", err, seen)
	}
	if seen[0] != LinkNotSubscribed || seen[len(seen)-1] != LinkActive {
		t.Fatalf("timeline %v", seen)
	}
	for _, want := range []string{LinkPending} {
		found := false
		for _, s := range seen {
			found = found || s == want
		}
		if !found {
			t.Errorf("timeline %v lacks %q", seen, want)
		}
	}
	if out.Group == nil || out.Group.Name != "Edge A" || out.Group.Source.Domain != "edge.test" {
		t.Fatalf("group %+v", out.Group)
	}
	for range 3 {
		if _, err := w.edge.CreateMeasurement(w.dev, "c8y_T", map[string]any{"c8y_T": map[string]any{"T": map[string]any{"value": 1}}}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		o := w.b.Poll(ctx, c.ID)
		if o.ArrivingKnown && o.Arriving == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("arriving %d known %v, want 3 (%v)", o.Arriving, o.ArrivingKnown, o.CloudWarning)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// A rerun of the same wanted connector changes nothing.
	if did, _, err := w.b.Ensure(ctx, wanted(t, w, "alarms,measurements")); err != nil || did != "unchanged" {
		t.Fatalf("rerun: %s %v", did, err)
	}
	if did, _, err := w.b.Ensure(ctx, wanted(t, w, "measurements")); err != nil || did != "changed" {
		t.Fatalf("change: %s %v", did, err)
	}
	moved := wanted(t, w, "measurements")
	moved.Target = "https://elsewhere.example.com"
	if _, _, err := w.b.Ensure(ctx, moved); err == nil {
		t.Fatal("a new target was accepted for a saved connector")
	}
	// Disabled in the cloud: Pending; e enables it again.
	w.b.Cloud.SetEnabled(ctx, "t1234567", out.Group.Owner, false)
	waitStatus(t, w, c.ID, LinkDisabled)
	if err := w.b.Enable(ctx, out.Connector); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, w, c.ID, LinkActive)
	// Suspend, resume, delete.
	if err := w.b.Suspend(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, w, c.ID, LinkSuspended)
	if err := w.b.Resume(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, w, c.ID, LinkActive)
	// The cloud is gone: the CRITICAL alarm shows next to the connector with what to do.
	w.cloudSrv.Close()
	deadline = time.Now().Add(5 * time.Second)
	for {
		ov, err := w.b.Overview(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if a := ov.Connectors[0].Alarms; len(a) == 1 && a[0].Severity == "CRITICAL" && a[0].Todo != "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no CRITICAL alarm: %+v", ov.Connectors[0])
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := w.b.Delete(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if o := w.b.Poll(ctx, c.ID); !errors.Is(o.Fatal, ErrConnectorGone) {
		t.Fatalf("after delete: %v", o.Fatal)
	}
}

func waitStatus(t *testing.T, w *world, id, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		o := w.b.Poll(context.Background(), id)
		if o.Status == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("status %q, want %q", o.Status, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestLinkWithoutCloudUser: the console only sees the connector; once the
// cloud's admin subscribes and accepts, it follows to Active.
func TestLinkWithoutCloudUser(t *testing.T) {
	w := newWorld(t, false)
	ctx := context.Background()
	_, c, err := w.b.Ensure(ctx, wanted(t, w, "all"))
	if err != nil {
		t.Fatal(err)
	}
	if o := w.b.Poll(ctx, c.ID); o.Status != LinkWaitingCode || o.Connector.Code == "" {
		t.Fatalf("first look: %+v", o)
	}
	if err := w.cloud.CreateRequest(c.Code); err != nil { // the cloud's admin, by hand
		t.Fatal(err)
	}
	go func() {
		for w.cloud.Accept(c.Code) != nil {
			time.Sleep(5 * time.Millisecond)
		}
	}()
	out, err := w.b.Follow(ctx, c.ID, true, 10*time.Second, fastSleep, nil)
	if err != nil || out.Status != LinkActive {
		t.Fatalf("follow: %v %v", out.Status, err)
	}
}
