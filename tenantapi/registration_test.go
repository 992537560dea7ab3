package tenantapi

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

func TestRegistrationFlow(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	const id = "edge-42"

	// Not registered at all: 404 -> not yet accepted.
	_, err := e.c.RequestDeviceCredentials(ctx, boot, id)
	if !errors.Is(err, ErrNotYetAccepted) || !errors.Is(err, ErrNotFound) {
		t.Fatalf("unregistered: %v", err)
	}
	if retry, _ := Retryable(err); retry {
		t.Fatal("a 404 poll answer must not count as retryable failure")
	}

	req, err := e.c.CreateNewDeviceRequest(ctx, admin, id)
	if err != nil {
		t.Fatal(err)
	}
	if req.ID != id || req.Status != StatusWaitingForConnection || req.Owner != "admin" || req.CreationTime.IsZero() {
		t.Fatalf("created %+v", req)
	}
	if _, err := e.c.CreateNewDeviceRequest(ctx, admin, id); errStatus(err) != 409 {
		t.Fatalf("duplicate: %v", err)
	}

	// Accept before the device polled: 422 with a clear message.
	_, err = e.c.AcceptNewDeviceRequest(ctx, admin, id)
	if errStatus(err) != 422 || !strings.Contains(err.Error(), "WAITING_FOR_CONNECTION") {
		t.Fatalf("early accept: %v", err)
	}

	// First poll: still 404, and the request is now pending.
	if _, err := e.c.RequestDeviceCredentials(ctx, boot, id); !errors.Is(err, ErrNotYetAccepted) {
		t.Fatalf("poll: %v", err)
	}
	got, err := e.c.NewDeviceRequest(ctx, reader, id)
	if err != nil || got.Status != StatusPendingAcceptance {
		t.Fatalf("after poll: %+v %v", got, err)
	}
	list, err := e.c.NewDeviceRequests(ctx, reader, 1, 10)
	if err != nil || len(list) != 1 || list[0].ID != id {
		t.Fatalf("list: %+v %v", list, err)
	}

	// Roles: the reader may not accept.
	if _, err := e.c.AcceptNewDeviceRequest(ctx, reader, id); !errors.Is(err, ErrForbidden) {
		t.Fatalf("reader accept: %v", err)
	}
	acc, err := e.c.AcceptNewDeviceRequest(ctx, admin, id)
	if err != nil || acc.Status != StatusAccepted {
		t.Fatalf("accept: %+v %v", acc, err)
	}

	// Wrong bootstrap password: 401, not retryable, not "not yet accepted".
	_, err = e.c.RequestDeviceCredentials(ctx, Bootstrap("", "", "wrong"), id)
	if !errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrNotYetAccepted) {
		t.Fatalf("bad bootstrap: %v", err)
	}
	if retry, _ := Retryable(err); retry {
		t.Fatal("401 retryable")
	}
	if ex := Explain(err); !strings.Contains(ex, "bootstrap") {
		t.Fatalf("explain 401: %s", ex)
	}

	dc, err := e.c.RequestDeviceCredentials(ctx, boot, id)
	if err != nil {
		t.Fatal(err)
	}
	if dc.ID != id || dc.TenantID != "t1234567" || dc.Username != "device_"+id || dc.Password == "" {
		t.Fatalf("credentials %+v", dc)
	}
	if _, pw, _ := e.sim.DeviceCredentialsIssued(id); pw != dc.Password {
		t.Fatal("issued password differs")
	}
	for _, s := range []string{fmt.Sprint(dc), fmt.Sprintf("%+v", dc), fmt.Sprintf("%#v", *dc), fmt.Sprint(dc.Credentials())} {
		if strings.Contains(s, dc.Password) {
			t.Fatalf("password printed: %s", s)
		}
	}
	// Handed out once.
	if _, err := e.c.RequestDeviceCredentials(ctx, boot, id); !errors.Is(err, ErrNotYetAccepted) {
		t.Fatalf("second fetch: %v", err)
	}
	if _, err := e.c.NewDeviceRequest(ctx, admin, id); !errors.Is(err, ErrNotFound) {
		t.Fatalf("request after issue: %v", err)
	}

	// The device user authenticates; after revocation 401.
	dev := dc.Credentials()
	u, err := e.c.CurrentUser(ctx, dev)
	if err != nil || u.UserName != "device_"+id {
		t.Fatalf("device user: %+v %v", u, err)
	}
	tn, err := e.c.CurrentTenant(ctx, dev)
	if err != nil || tn.Name != "t1234567" || tn.DomainName != "demo.cumulocity.local" {
		t.Fatalf("tenant: %+v %v", tn, err)
	}
	e.sim.RevokeDeviceUser(id)
	if _, err := e.c.CurrentUser(ctx, dev); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("revoked: %v", err)
	}

	// Delete.
	if err := e.sim.CreateRequest("gone"); err != nil {
		t.Fatal(err)
	}
	if err := e.c.DeleteNewDeviceRequest(ctx, admin, "gone"); err != nil {
		t.Fatal(err)
	}
	if err := e.c.DeleteNewDeviceRequest(ctx, admin, "gone"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}

	assertDeviceHeaders(t, e)
}

// assertDeviceHeaders: no application key ever, User-Agent set, JSON media
// types on bodies, Accept always.
func assertDeviceHeaders(t *testing.T, e *env) {
	t.Helper()
	for _, r := range e.sim.Requests() {
		if r.HasAppKey {
			t.Fatalf("%s %s carried an application key", r.Method, r.Path)
		}
	}
	for _, h := range e.spy.headers() {
		if h.Get("User-Agent") != "edge-setup/test" {
			t.Fatalf("User-Agent %q", h.Get("User-Agent"))
		}
		if h.Get("Accept") == "" {
			t.Fatal("request without Accept")
		}
		if ct := h.Get("Content-Type"); ct != "" && !strings.HasSuffix(ct, "json") {
			t.Fatalf("Content-Type %q", ct)
		}
	}
}

func TestDeviceCredentialsMediaTypes(t *testing.T) {
	e := newEnv(t)
	_, _ = e.c.RequestDeviceCredentials(t.Context(), boot, "mt")
	hs := e.spy.headers()
	want := "application/vnd.com.nsn.cumulocity.deviceCredentials+json"
	if len(hs) != 1 || hs[0].Get("Content-Type") != want || hs[0].Get("Accept") != want {
		t.Fatalf("headers %v", hs)
	}
	if r := e.sim.Requests()[0]; r.User != "management/devicebootstrap" {
		t.Fatalf("login %q", r.User)
	}
}

func TestAcceptOnlyFromPendingViaSim(t *testing.T) {
	e := newEnv(t)
	_ = e.sim.CreateRequest("p")
	if err := e.sim.Accept("p"); err == nil {
		t.Fatal("sim accepted a waiting request")
	}
	_, _ = e.c.RequestDeviceCredentials(t.Context(), boot, "p")
	if st, _ := e.sim.RequestStatus("p"); st != tenantsim.StatusPending {
		t.Fatalf("status %s", st)
	}
}

func TestDeviceCredentialsAny2xx(t *testing.T) {
	srv := quietServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.com.nsn.cumulocity.deviceCredentials+json")
		_, _ = w.Write([]byte(`{"id":"x","tenantId":"t9","username":"device_x","password":"pw-from-200"}`))
	}))
	c, err := New(Options{BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	dc, err := c.RequestDeviceCredentials(t.Context(), boot, "x")
	if err != nil || dc.Password != "pw-from-200" || dc.Credentials().Login() != "t9/device_x" {
		t.Fatalf("%+v %v", dc, err)
	}
}

func errStatus(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.StatusCode
	}
	return 0
}

func TestPagingParameters(t *testing.T) {
	e := newEnv(t)
	for i := range 7 {
		_ = e.sim.CreateRequest(fmt.Sprintf("d%d", i))
	}
	page1, err := e.c.NewDeviceRequests(t.Context(), admin, 0, 0)
	if err != nil || len(page1) != 5 {
		t.Fatalf("default page: %d %v", len(page1), err)
	}
	page2, err := e.c.NewDeviceRequests(t.Context(), admin, 2, 5)
	if err != nil || len(page2) != 2 || page2[0].ID != "d5" {
		t.Fatalf("page 2: %+v %v", page2, err)
	}
	if n := e.sim.CountRequests(http.MethodGet, "/devicecontrol/newDeviceRequests"); n != 2 {
		t.Fatalf("count %d", n)
	}
}
