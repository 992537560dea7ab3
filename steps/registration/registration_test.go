package registration_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/registration"
	"github.com/edge-setup/edge-setup/steps/stepstest"
)

// configured runs option 7 for the world's tenant, optionally with the admin
// as tenant user, and returns the registration it leads to.
func configured(t *testing.T, w *stepstest.World, withTenantUser bool) *registration.Registration {
	t.Helper()
	inputs := []string{w.URL, ""}
	if withTenantUser {
		inputs = []string{w.URL, stepstest.AdminUser, stepstest.AdminPassword}
	}
	tr, err := stepstest.Drive(context.Background(), w.Env, options.EdgeAgent{}, inputs...)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := options.EdgeAgent{}.NewRegistration(w.Env, tr.Answers)
	if err != nil || reg == nil {
		t.Fatalf("NewRegistration: %v, %v", reg, err)
	}
	return reg
}

func TestRegistrationFromTheConsole(t *testing.T) {
	w := stepstest.New(t)
	reg := configured(t, w, true)
	ctx := context.Background()
	if _, err := reg.CheckExisting(ctx); !errors.Is(err, registration.ErrNoCredentials) {
		t.Fatalf("CheckExisting on a new Edge = %v, want ErrNoCredentials", err)
	}
	out := reg.PollOnce(ctx, 0, 0)
	if out.Status != registration.StatusNotRegistered || out.Next != stepstest.FastCadence.Ceiling {
		t.Fatalf("first poll = %+v", out)
	}
	if err := reg.CreateRequest(ctx); err != nil {
		t.Fatal(err)
	}
	// The tenant shows the new request as waiting; the device's poll in the
	// same round moves it on, so the next round sees it pending.
	if out = reg.PollOnce(ctx, 0, 0); out.Status != registration.StatusWaiting {
		t.Fatalf("poll after create = %+v", out)
	}
	if out = reg.PollOnce(ctx, 0, 0); out.Status != registration.StatusPending {
		t.Fatalf("second poll after create = %+v", out)
	}
	if st, _ := w.Sim.RequestStatus(reg.DeviceID); st != "PENDING_ACCEPTANCE" {
		t.Fatalf("tenant status = %s", st)
	}
	if err := reg.Accept(ctx); err != nil {
		t.Fatal(err)
	}
	out = reg.PollOnce(ctx, 0, 0)
	if out.Credentials == nil {
		t.Fatalf("poll after accept = %+v", out)
	}
	conn, err := reg.Complete(ctx, out.Credentials)
	if err != nil {
		t.Fatal(err)
	}
	if conn.TenantID != stepstest.TenantID || conn.ManagedObjectID == "" || !conn.CreatedDevice {
		t.Errorf("connection = %+v", conn)
	}
	mo, ok := w.Sim.ManagedObjectByExternalID("c8y_Serial", reg.DeviceID)
	if !ok {
		t.Fatal("device not in the inventory")
	}
	for _, frag := range []string{"c8y_IsDevice", "com_cumulocity_model_Agent", "c8y_SupportedOperations", "c8y_RemoteAccessSupportedProtocols"} {
		if _, ok := mo[frag]; !ok {
			t.Errorf("managed object lacks %s: %v", frag, mo)
		}
	}
	st, err := os.Stat(w.Env.Props.Path(edgeprops.CredentialsFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("credentials file mode = %v, %v; want 0600", st.Mode().Perm(), err)
	}
	// Choosing 7 again: the stored credentials prove the connection, no new managed object.
	again, err := reg.CheckExisting(ctx)
	if err != nil || again.ManagedObjectID != conn.ManagedObjectID || again.CreatedDevice {
		t.Errorf("CheckExisting after registration = %+v, %v", again, err)
	}
	if n := w.Sim.CountRequests("POST", "/inventory/managedObjects"); n != 1 {
		t.Errorf("managed objects created %d times, want 1", n)
	}
	for _, r := range w.Sim.Requests() {
		if r.HasAppKey {
			t.Errorf("request %s %s carried an application key", r.Method, r.Path)
		}
	}
}

func TestRevokedCredentialsLeadBackToRegistration(t *testing.T) {
	w := stepstest.New(t)
	reg := configured(t, w, true)
	ctx := context.Background()
	if _, err := reg.Wait(ctx, nil, operatorAccepts(t, w, reg.DeviceID)); err != nil {
		t.Fatal(err)
	}
	w.Sim.RevokeDeviceUser(reg.DeviceID)
	_, err := reg.CheckExisting(ctx)
	if !errors.Is(err, registration.ErrCredentialsInvalid) || !strings.Contains(err.Error(), "401") {
		t.Errorf("CheckExisting after revoke = %v, want ErrCredentialsInvalid naming the 401", err)
	}
}

// operatorAccepts returns a sleep function for Wait that plays the tenant
// operator: it registers the device and accepts it once it is pending.
func operatorAccepts(t *testing.T, w *stepstest.World, id string) func(context.Context, time.Duration) error {
	var once sync.Once
	return func(ctx context.Context, d time.Duration) error {
		once.Do(func() {
			if err := w.Sim.CreateRequest(id); err != nil {
				t.Error(err)
			}
		})
		if st, _ := w.Sim.RequestStatus(id); st == "PENDING_ACCEPTANCE" {
			if err := w.Sim.Accept(id); err != nil {
				t.Error(err)
			}
		}
		return ctx.Err()
	}
}

func TestWaitWithoutTenantUserCompletesWhenAcceptedInTheTenant(t *testing.T) {
	w := stepstest.New(t)
	reg := configured(t, w, false)
	if reg.CanManage() {
		t.Fatal("registration without tenant user can manage")
	}
	var statuses []string
	conn, err := reg.Wait(context.Background(), func(u registration.WaitUpdate) {
		if u.Status != "" {
			statuses = append(statuses, u.Status)
		}
	}, operatorAccepts(t, w, reg.DeviceID))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{registration.StatusNotAccepted, registration.StatusAccepted, registration.StatusConnected}
	if strings.Join(statuses, ",") != strings.Join(want, ",") {
		t.Errorf("statuses = %q, want %q", statuses, want)
	}
	if conn.Username != "device_"+reg.DeviceID {
		t.Errorf("username = %q", conn.Username)
	}
	creds, ok, _ := w.Env.Props.LoadCredentials()
	if !ok || creds.Password == "" || creds.URL != w.URL {
		t.Errorf("stored credentials = %+v, %v", creds.URL, ok)
	}
}

func TestWrongBootstrapPasswordStopsWithTheReason(t *testing.T) {
	w := stepstest.New(t)
	reg := configured(t, w, false)
	reg.Bootstrap.Password = "not-the-password"
	out := reg.PollOnce(context.Background(), 0, 0)
	if out.Fatal == nil || !strings.Contains(out.Fatal.Error(), "bootstrap password") || !strings.Contains(out.Fatal.Error(), "401") {
		t.Fatalf("outcome = %+v, want a fatal 401 about the bootstrap password", out)
	}
	if strings.Contains(out.Fatal.Error(), "not-the-password") {
		t.Error("the error shows the password")
	}
}

func TestWaitStopsWhenCancelled(t *testing.T) {
	w := stepstest.New(t)
	reg := configured(t, w, false)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := reg.Wait(ctx, nil, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait = %v, want deadline exceeded", err)
	}
}

func TestDefaultCadence(t *testing.T) {
	c := steps.DefaultCadence
	if got := c.Interval(30 * time.Second); got > 2*time.Second {
		t.Errorf("interval in the first minutes = %v, want at most 2s so acceptance shows within about two seconds", got)
	}
	if got := c.Interval(5 * time.Hour); got != c.Ceiling {
		t.Errorf("interval after hours = %v, want the ceiling %v", got, c.Ceiling)
	}
	// The README's cadence table quotes these.
	for d, want := range map[time.Duration]int{2 * time.Minute: 60, 10 * time.Minute: 300, time.Hour: 600, 24 * time.Hour: 1980} {
		if got := c.RequestsIn(d); got != want {
			t.Errorf("RequestsIn(%v) = %d, the README says %d", d, got, want)
		}
	}
	if n := c.RequestsIn(24 * time.Hour); n > 3000 {
		t.Errorf("a device left unregistered for 24h sends %d requests, want at most a few thousand", n)
	}
	if d := c.Retry(1, 30*time.Second); d < 30*time.Second {
		t.Errorf("Retry ignores Retry-After: %v", d)
	}
	if d := c.Retry(50, 0); d > time.Duration(float64(c.RetryMax)*(1+c.Jitter)) {
		t.Errorf("retry backoff exceeds its ceiling: %v", d)
	}
}
