package registration_test

import (
	"context"
	"crypto/tls"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/registration"
	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/tenantapi"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim/simnet"
)

// Fault tests: the tenant (or the network in front of it) misbehaves while
// the device waits for its credentials. Wait runs on a simulated clock, so
// the backoff is checked exactly and nothing sleeps for real; only HTTP
// timeouts take real time: the cases that provoke one (a server that never
// answers) use provokedTimeout, every other case the generous
// faultClientTimeout, which only guards against a hang. So no case depends
// on how fast a busy machine moves 5 MiB or answers after 50 ms.

const (
	devCredPath        = "/devicecontrol/deviceCredentials"
	faultClientTimeout = time.Minute
	provokedTimeout    = 400 * time.Millisecond
	// neverInTime is a latency no client waits for (the sim gives up with it).
	neverInTime = time.Hour
)

// provokeTimeout makes the client give up after provokedTimeout, for the
// cases whose server never answers in time.
func provokeTimeout(o *tenantapi.Options) { o.Timeout = provokedTimeout }

// timeoutOptions are the client options of a case that wants want.
func timeoutOptions(want string) func(*tenantapi.Options) {
	if want == "did not answer in time" {
		return provokeTimeout
	}
	return nil
}

// simClock is the time Wait sees: it moves only when Wait sleeps.
type simClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *simClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// faultWorld is a world whose registration talks to the tenant through a
// client with a short timeout, on a simulated clock.
type faultWorld struct {
	*stepstest.World
	clock *simClock
	reg   *registration.Registration
	id    string
}

// newFaultWorld sets up option 7's registration against url (the world's
// tenant when empty) with the product's cadence (jitter included).
func newFaultWorld(t *testing.T, opts func(o *tenantapi.Options)) *faultWorld {
	t.Helper()
	w := stepstest.New(t)
	clock := &simClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	w.Env.Now = clock.Now
	w.Env.NewClient = func(baseURL string) (*tenantapi.Client, error) {
		o := tenantapi.Options{BaseURL: baseURL, UserAgent: "edge-setup/test", Timeout: faultClientTimeout}
		if opts != nil {
			opts(&o)
		}
		return tenantapi.New(o)
	}
	id, _, err := w.Env.Props.DeviceID()
	if err != nil {
		t.Fatal(err)
	}
	fw := &faultWorld{World: w, clock: clock, id: id}
	fw.reg = fw.registrationFor(t, w.URL)
	if err := w.Sim.CreateRequest(id); err != nil {
		t.Fatal(err)
	}
	w.Sim.ResetLog()
	return fw
}

func (fw *faultWorld) registrationFor(t *testing.T, url string) *registration.Registration {
	t.Helper()
	client, err := fw.Env.NewClient(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.Close)
	return &registration.Registration{
		Env:       fw.Env,
		Client:    client,
		URL:       url,
		DeviceID:  fw.id,
		Bootstrap: tenantapi.Bootstrap("", "", stepstest.BootstrapPassword),
		Cadence:   steps.DefaultCadence,
	}
}

// waitRun is the record of one Wait.
type waitRun struct {
	sleeps  []time.Duration
	updates []registration.WaitUpdate
	conn    *registration.Connection
	err     error
	// clearedAt is the number of sleeps done when the fault was cleared,
	// clearedWall the real time then (the tenant's log is in real time).
	clearedAt   int
	clearedWall time.Time
}

// cleared notes that the fault is gone from now on.
func (run *waitRun) cleared(n int) {
	run.clearedAt, run.clearedWall = n+1, time.Now()
}

// script decides, at each sleep (0-based n), what the world does next.
type script func(fw *faultWorld, run *waitRun, n int)

// runWait runs Wait until it returns (at most 200 polls).
func (fw *faultWorld) runWait(t *testing.T, s script) *waitRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	run := &waitRun{clearedAt: -1}
	sleep := func(ctx context.Context, d time.Duration) error {
		n := len(run.sleeps)
		run.sleeps = append(run.sleeps, d)
		if n >= 200 {
			cancel()
			return errors.New("too many polls: the registration never finished")
		}
		fw.clock.advance(d)
		s(fw, run, n)
		return ctx.Err()
	}
	run.conn, run.err = fw.reg.Wait(ctx, func(u registration.WaitUpdate) { run.updates = append(run.updates, u) }, sleep)
	return run
}

// clearAt clears the fault after `after` sleeps and accepts the device once
// it has polled normally a few times again.
func clearAt(after int) script {
	return func(fw *faultWorld, run *waitRun, n int) {
		if n == after-1 {
			run.cleared(n)
			fw.Sim.ClearFault()
		}
		if run.clearedAt >= 0 && n >= run.clearedAt+3 {
			if st, _ := fw.Sim.RequestStatus(fw.id); st == tenantsim.StatusPending {
				_ = fw.Sim.Accept(fw.id)
			}
		}
	}
}

// fractionalWait is a wait shown with nanoseconds ("wait 37.606025509s").
var fractionalWait = regexp.MustCompile(`wait \d+\.\d+s`)

// retryBase is the backoff before jitter after the n-th consecutive failure.
func retryBase(c steps.Cadence, n int) time.Duration {
	d := c.RetryMin
	for i := 1; i < n && d < c.RetryMax; i++ {
		d *= 2
	}
	return min(d, c.RetryMax)
}

func retryErrors(run *waitRun) []string {
	var out []string
	for _, u := range run.updates {
		if u.Retrying != nil {
			out = append(out, u.Retrying.Error())
		}
	}
	return out
}

// checkFiles: the credentials file is complete (or absent) with mode 0600,
// and no temporary file of an atomic write is left anywhere under the root.
func checkFiles(t *testing.T, env *steps.Env, wantCreds bool) {
	t.Helper()
	creds, ok, err := env.Props.LoadCredentials()
	if err != nil {
		t.Fatalf("credentials unreadable: %v", err)
	}
	if ok != wantCreds {
		t.Fatalf("credentials stored = %v, want %v", ok, wantCreds)
	}
	if ok {
		if creds.Username == "" || creds.Password == "" || creds.Tenant != stepstest.TenantID || creds.URL == "" {
			t.Errorf("credentials incomplete: tenant %q user %q url %q password set %v", creds.Tenant, creds.Username, creds.URL, creds.Password != "")
		}
		st, err := os.Stat(env.Props.Path(edgeprops.CredentialsFile))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("credentials file mode: %v, %v; want 0600", st.Mode().Perm(), err)
		}
	}
	noTempFilesUnder(t, env.Root)
}

func noTempFilesUnder(t *testing.T, root string) {
	t.Helper()
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".tmp-") {
			t.Errorf("half-written temporary file left behind: %s", p)
		}
		return nil
	})
}

func TestFaultsWhileWaitingForAcceptance(t *testing.T) {
	cases := []struct {
		name  string
		fault tenantsim.Fault
		// failures is how many polls fail before the fault is cleared.
		failures int
		// retry: the failures are transient and back off; otherwise the
		// fault is invisible to the rhythm (the poll says "not yet").
		retry bool
		// want is what the operator reads about the failure.
		want string
		// retryAfter is the least wait the tenant asked for.
		retryAfter time.Duration
	}{
		{name: "latency below the timeout", fault: tenantsim.Fault{Latency: 50 * time.Millisecond}, failures: 3},
		{name: "latency beyond the timeout", fault: tenantsim.Fault{Latency: neverInTime}, failures: 2, retry: true, want: "did not answer in time"},
		{name: "burst of 500", fault: tenantsim.StatusBurst(4, 500), failures: 4, retry: true, want: "500 Internal Server Error"},
		{name: "burst of 502", fault: tenantsim.StatusBurst(4, 502), failures: 4, retry: true, want: "502 Bad Gateway"},
		{name: "burst of 503", fault: tenantsim.StatusBurst(6, 503), failures: 6, retry: true, want: "503 Service Unavailable"},
		{name: "502 HTML proxy page", fault: tenantsim.Fault{Count: 3, Status: 502, Malformed: true}, failures: 3, retry: true, want: "502 Bad Gateway"},
		{name: "429 with Retry-After seconds", fault: tenantsim.TooManyRequests(3, "7"), failures: 3, retry: true, want: "limiting requests; wait 7s", retryAfter: 7 * time.Second},
		{name: "429 with Retry-After date", fault: tenantsim.TooManyRequests(2, time.Now().Add(40*time.Second).UTC().Format(http.TimeFormat)), failures: 2, retry: true, want: "limiting requests; wait ", retryAfter: 30 * time.Second},
		{name: "429 without Retry-After", fault: tenantsim.TooManyRequests(3, ""), failures: 3, retry: true, want: "limiting requests"},
		{name: "connection reset", fault: tenantsim.Fault{Count: 3, Reset: true}, failures: 3, retry: true, want: "broke off"},
		{name: "accepts and never answers", fault: tenantsim.Fault{Hang: true}, failures: 2, retry: true, want: "did not answer in time"},
		{name: "truncated answer", fault: tenantsim.Fault{Count: 3, Truncate: true}, failures: 3, retry: true, want: "broke off"},
		{name: "malformed JSON on a 404", fault: tenantsim.Fault{Count: 3, Malformed: true}, failures: 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fw := newFaultWorld(t, timeoutOptions(tc.want))
			f := tc.fault
			f.PathPrefix = devCredPath
			fw.Sim.SetFault(f)
			run := fw.runWait(t, clearAt(tc.failures))
			if run.err != nil {
				t.Fatalf("Wait: %v (updates %+v)", run.err, run.updates)
			}
			if run.conn == nil || run.conn.TenantID != stepstest.TenantID {
				t.Fatalf("connection = %+v", run.conn)
			}
			c := fw.reg.Cadence
			errs := retryErrors(run)
			if tc.retry {
				if len(errs) != tc.failures {
					t.Fatalf("%d retries reported, want %d: %q", len(errs), tc.failures, errs)
				}
				t.Logf("operator sees: %s (then waits %v)", errs[0], run.sleeps[0].Round(time.Millisecond))
				for i, e := range errs {
					if !strings.Contains(e, tc.want) {
						t.Errorf("retry %d says %q, want it to contain %q", i+1, e, tc.want)
					}
					if strings.Contains(e, "{") || strings.Contains(e, "goroutine") || strings.Contains(e, "<html") || fractionalWait.MatchString(e) {
						t.Errorf("retry %d shows raw data: %q", i+1, e)
					}
				}
				// The backoff: RetryMin doubling, ±jitter; a Retry-After wins.
				for i := 0; i < tc.failures; i++ {
					d, base := run.sleeps[i], retryBase(c, i+1)
					lo, hi := time.Duration(float64(base)*(1-c.Jitter)), time.Duration(float64(base)*(1+c.Jitter))
					if tc.retryAfter > 0 {
						lo, hi = tc.retryAfter, 10*time.Minute
					}
					if d < lo || d > hi {
						t.Errorf("wait after failure %d = %v, want %v..%v", i+1, d, lo, hi)
					}
				}
			} else {
				if len(errs) != 0 {
					t.Fatalf("retries reported for a fault the poll should absorb: %q", errs)
				}
				for i := 0; i < tc.failures; i++ {
					if run.sleeps[i] != c.Interval(0) {
						t.Errorf("wait %d = %v, want the cadence's %v", i+1, run.sleeps[i], c.Interval(0))
					}
				}
			}
			checkRecovery(t, fw, run)
		})
	}
}

// checkRecovery: once the fault is gone the device polls at the cadence,
// never faster, one request per poll (no storm), and ends connected with
// complete files.
func checkRecovery(t *testing.T, fw *faultWorld, run *waitRun) {
	t.Helper()
	c := fw.reg.Cadence
	if run.clearedAt < 0 {
		t.Fatal("the fault was never cleared")
	}
	after := run.sleeps[run.clearedAt:]
	for i, d := range after {
		elapsed := time.Duration(0)
		for _, s := range run.sleeps[:run.clearedAt+i] {
			elapsed += s
		}
		if d != c.Interval(elapsed) {
			t.Errorf("wait %d after recovery = %v, want the cadence's %v", i+1, d, c.Interval(elapsed))
		}
	}
	polls := len(after) + 1
	got := 0
	// Requests that arrived after the fault cleared (a request the device
	// gave up on during the fault may still be served late: the tenant's
	// log time is its arrival).
	for _, r := range fw.Sim.Requests() {
		if r.Method == http.MethodPost && r.Path == devCredPath && !r.Time.Before(run.clearedWall) {
			got++
		}
	}
	if got > polls {
		t.Errorf("%d credential requests after recovery for %d polls: a request storm", got, polls)
	}
	if total, sleeps := fw.Sim.CountRequests(http.MethodPost, devCredPath), len(run.sleeps); total > sleeps+1 {
		t.Errorf("%d credential requests in all for %d polls", total, sleeps+1)
	}
	checkFiles(t, fw.Env, true)
}

// TestFaultTenantRestartsMidPoll: the tenant goes away (connection refused)
// and comes back on the same address with its state; the device resumes.
func TestFaultTenantRestartsMidPoll(t *testing.T) {
	fw := newFaultWorld(t, nil)
	addr := fw.Server.Listener.Addr().String()
	var restarted *httptest.Server
	t.Cleanup(func() {
		if restarted != nil {
			restarted.Close()
		}
	})
	const downFor = 4
	run := fw.runWait(t, func(fw *faultWorld, run *waitRun, n int) {
		switch {
		case n == 1: // two polls answered, then the tenant stops
			fw.Server.CloseClientConnections()
			fw.Server.Close()
		case n == 1+downFor:
			l, err := net.Listen("tcp", addr)
			if err != nil {
				t.Errorf("listening again on %s: %v", addr, err)
				return
			}
			restarted = httptest.NewUnstartedServer(fw.Sim)
			restarted.Listener.Close()
			restarted.Listener = l
			restarted.Start()
			run.cleared(n)
		case run.clearedAt >= 0 && n >= run.clearedAt+2:
			if st, _ := fw.Sim.RequestStatus(fw.id); st == tenantsim.StatusPending {
				_ = fw.Sim.Accept(fw.id)
			}
		}
	})
	if run.err != nil || run.conn == nil {
		t.Fatalf("Wait: %v", run.err)
	}
	errs := retryErrors(run)
	t.Logf("operator sees: %q", errs)
	if len(errs) != downFor {
		t.Fatalf("%d retries while the tenant was down, want %d: %q", len(errs), downFor, errs)
	}
	for _, e := range errs {
		if !strings.Contains(e, "refused the connection") && !strings.Contains(e, "broke off") {
			t.Errorf("retry says %q, want the refused connection explained", e)
		}
	}
	c := fw.reg.Cadence
	for i := 0; i < downFor; i++ {
		d, base := run.sleeps[2+i], retryBase(c, i+1)
		if d < time.Duration(float64(base)*(1-c.Jitter)) || d > time.Duration(float64(base)*(1+c.Jitter)) {
			t.Errorf("wait after failure %d = %v, want about %v", i+1, d, base)
		}
	}
	checkRecovery(t, fw, run)
}

// TestFaultDNS: a name that does not exist stops with the reason; a DNS
// server that does not answer is retried until it does.
func TestFaultDNS(t *testing.T) {
	var dnsDown atomic.Bool
	var notFound atomic.Bool
	dialer := &net.Dialer{}
	fw := newFaultWorld(t, func(o *tenantapi.Options) {
		o.Transport = &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, _ := net.SplitHostPort(addr)
			switch {
			case notFound.Load():
				return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: "acme.cumulocity.invalid", IsNotFound: true}}
			case dnsDown.Load():
				return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "server misbehaving", Name: host, IsTemporary: true}}
			}
			return dialer.DialContext(ctx, network, addr)
		}}
	})

	t.Run("name not found", func(t *testing.T) {
		notFound.Store(true)
		defer notFound.Store(false)
		if err := steps.VerifyTenantURL(context.Background(), fw.Env, fw.URL); err == nil || !strings.Contains(err.Error(), "host acme.cumulocity.invalid not found: check the spelling") {
			t.Errorf("Verify: %v", err)
		}
		out := fw.reg.PollOnce(context.Background(), 0, 0)
		if out.Fatal == nil || !strings.Contains(out.Fatal.Error(), "not found") || out.Retrying != nil {
			t.Errorf("PollOnce = %+v, want a fatal 'not found'", out)
		}
		run := fw.runWait(t, func(*faultWorld, *waitRun, int) {})
		if run.err == nil || len(run.sleeps) != 0 {
			t.Errorf("Wait went on after 'host not found': err %v, %d sleeps", run.err, len(run.sleeps))
		}
		checkFiles(t, fw.Env, false)
	})

	t.Run("DNS server down", func(t *testing.T) {
		dnsDown.Store(true)
		fw.Sim.ResetLog()
		run := fw.runWait(t, func(fw *faultWorld, run *waitRun, n int) {
			if n == 2 {
				dnsDown.Store(false)
				run.cleared(n)
			}
			if run.clearedAt >= 0 && n >= run.clearedAt+2 {
				if st, _ := fw.Sim.RequestStatus(fw.id); st == tenantsim.StatusPending {
					_ = fw.Sim.Accept(fw.id)
				}
			}
		})
		if run.err != nil {
			t.Fatalf("Wait: %v", run.err)
		}
		errs := retryErrors(run)
		if len(errs) != 3 || !strings.Contains(errs[0], "DNS lookup") {
			t.Fatalf("retries = %q, want 3 explaining the DNS lookup", errs)
		}
		t.Logf("operator sees: %s", errs[0])
		checkRecovery(t, fw, run)
	})
}

// TestFaultsThatStopWithAReason: answers that no retry can fix stop the
// wait at once (one request, no sleep), with what to do, and write nothing.
func TestFaultsThatStopWithAReason(t *testing.T) {
	cases := []struct {
		name  string
		fault tenantsim.Fault
		want  string
	}{
		{"oversized body", tenantsim.Fault{OversizeBytes: 5 << 20}, "larger than 4 MiB"},
		{"malformed JSON on a 200", tenantsim.Fault{Malformed: true}, "not the expected JSON"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fw := newFaultWorld(t, nil)
			if tc.name == "malformed JSON on a 200" {
				// The request is accepted, so the tenant answers 200 (and
				// hands the credentials out: the garbled answer loses them).
				if out := fw.reg.PollOnce(context.Background(), 0, 0); out.Status != registration.StatusNotAccepted {
					t.Fatalf("first poll: %+v", out)
				}
				if err := fw.Sim.Accept(fw.id); err != nil {
					t.Fatal(err)
				}
				fw.Sim.ResetLog()
			}
			f := tc.fault
			f.PathPrefix = devCredPath
			fw.Sim.SetFault(f)
			run := fw.runWait(t, func(*faultWorld, *waitRun, int) {})
			if run.err == nil || !strings.Contains(run.err.Error(), tc.want) {
				t.Fatalf("Wait error %v, want it to contain %q", run.err, tc.want)
			}
			t.Logf("operator sees: %v", run.err)
			if len(run.sleeps) != 0 || fw.Sim.CountRequests(http.MethodPost, devCredPath) != 1 {
				t.Errorf("stopped after %d sleeps and %d requests, want 0 and 1", len(run.sleeps), fw.Sim.CountRequests(http.MethodPost, devCredPath))
			}
			checkFiles(t, fw.Env, false)
		})
	}
}

// TestFaultTLS: certificate problems are not retried: the wait stops at
// once, and the prompt's Verify says what to do.
func TestFaultTLS(t *testing.T) {
	ca := newTestCA(t)
	caFile := filepath.Join(t.TempDir(), "ca.PEM")
	if err := os.WriteFile(caFile, ca.PEM, 0o644); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	cases := []struct {
		name    string
		leaf    tls.Certificate
		trustCA bool
		want    string
	}{
		{"unknown CA", ca.Leaf(t, nil, []net.IP{net.IPv4(127, 0, 0, 1)}, now.Add(-time.Hour), now.Add(time.Hour)), false,
			"signed by an authority this machine does not trust: pass --ca-cert FILE"},
		{"wrong host name", ca.Leaf(t, []string{"other.example.com"}, nil, now.Add(-time.Hour), now.Add(time.Hour)), true,
			"the TLS certificate is for other.example.com, not for 127.0.0.1"},
		{"expired certificate", ca.Leaf(t, nil, []net.IP{net.IPv4(127, 0, 0, 1)}, now.Add(-48*time.Hour), now.Add(-24*time.Hour)), true,
			"has expired or is not valid yet"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fw := newFaultWorld(t, func(o *tenantapi.Options) {
				if tc.trustCA {
					o.CACertFile = caFile
				}
			})
			srv := httptest.NewUnstartedServer(fw.Sim)
			srv.TLS = &tls.Config{Certificates: []tls.Certificate{tc.leaf}}
			srv.Config.ErrorLog = quietLog()
			srv.StartTLS()
			t.Cleanup(srv.Close)

			err := steps.VerifyTenantURL(context.Background(), fw.Env, srv.URL)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Verify: %v, want %q", err, tc.want)
			}
			fw.reg = fw.registrationFor(t, srv.URL)
			out := fw.reg.PollOnce(context.Background(), 0, 0)
			if out.Fatal == nil || !strings.Contains(out.Fatal.Error(), tc.want) || out.Retrying != nil {
				t.Errorf("PollOnce = fatal %v, retrying %v; want fatal %q", out.Fatal, out.Retrying, tc.want)
			}
			run := fw.runWait(t, func(*faultWorld, *waitRun, int) {})
			t.Logf("operator sees: %v", run.err)
			if run.err == nil || len(run.sleeps) != 0 {
				t.Errorf("Wait went on after a TLS failure: err %v, %d sleeps", run.err, len(run.sleeps))
			}
			if n := fw.Sim.CountRequests("", ""); n != 0 {
				t.Errorf("%d requests got through the bad TLS", n)
			}
			checkFiles(t, fw.Env, false)
		})
	}
	t.Run("trusted and valid", func(t *testing.T) {
		fw := newFaultWorld(t, func(o *tenantapi.Options) { o.CACertFile = caFile })
		srv := httptest.NewUnstartedServer(fw.Sim)
		srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.Leaf(t, nil, []net.IP{net.IPv4(127, 0, 0, 1)}, now.Add(-time.Hour), now.Add(time.Hour))}}
		srv.StartTLS()
		t.Cleanup(srv.Close)
		if err := steps.VerifyTenantURL(context.Background(), fw.Env, srv.URL); err != nil {
			t.Errorf("Verify of a good TLS tenant: %v", err)
		}
	})
}

// TestFaultVerifyTenantURL: the Verify of option 7's URL prompt under each
// fault: it returns (bounded by the client timeout) with a reason, and
// never shows raw data.
func TestFaultVerifyTenantURL(t *testing.T) {
	cases := []struct {
		name  string
		fault tenantsim.Fault
		want  string // "" = verified
	}{
		{"latency below the timeout", tenantsim.Fault{Latency: 50 * time.Millisecond}, ""},
		{"latency beyond the timeout", tenantsim.Fault{Latency: neverInTime}, "did not answer in time"},
		{"500", tenantsim.StatusBurst(1, 500), "500 Internal Server Error"},
		{"503 HTML page", tenantsim.Fault{Count: 1, Status: 503, Malformed: true}, "503 Service Unavailable"},
		{"429", tenantsim.TooManyRequests(1, "5"), "wait 5s"},
		{"reset", tenantsim.Fault{Reset: true}, "broke off"},
		{"never answers", tenantsim.Fault{Hang: true}, "did not answer in time"},
		{"truncated", tenantsim.Fault{Truncate: true}, "broke off"},
		{"malformed JSON", tenantsim.Fault{Malformed: true}, "check the tenant URL"},
		{"oversized", tenantsim.Fault{OversizeBytes: 5 << 20}, "answered with more than 4 MiB"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fw := newFaultWorld(t, timeoutOptions(tc.want))
			f := tc.fault
			f.PathPrefix = "/tenant/loginOptions"
			fw.Sim.SetFault(f)
			err := steps.VerifyTenantURL(context.Background(), fw.Env, fw.URL)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Verify: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Verify: %v, want %q", err, tc.want)
			case err != nil && (strings.Contains(err.Error(), "{") || strings.Contains(err.Error(), "<html")):
				t.Errorf("Verify shows raw data: %v", err)
			}
			if n := fw.Sim.CountRequests("", ""); n > 1 {
				t.Errorf("Verify sent %d requests, want 1", n)
			}
		})
	}
	t.Run("TCP accepts and never answers", func(t *testing.T) {
		fw := newFaultWorld(t, provokeTimeout)
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		var conns sync.WaitGroup
		stop := make(chan struct{})
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				conns.Add(1)
				go func() { defer conns.Done(); <-stop; c.Close() }()
			}
		}()
		t.Cleanup(func() { l.Close(); close(stop); conns.Wait() })
		url := "http://" + l.Addr().String()
		if err := steps.VerifyTenantURL(context.Background(), fw.Env, url); err == nil || !strings.Contains(err.Error(), "did not answer in time") {
			t.Errorf("Verify: %v", err)
		}
		out := fw.registrationFor(t, url).PollOnce(context.Background(), 0, 0)
		if out.Retrying == nil || !strings.Contains(out.Retrying.Error(), "did not answer in time") || out.Next < fw.reg.Cadence.RetryMin*8/10 {
			t.Errorf("PollOnce = %+v, want a retry in about %v", out, fw.reg.Cadence.RetryMin)
		}
	})
}

func quietLog() *log.Logger { return log.New(io.Discard, "", 0) }

// newTestCA is a throw-away certificate authority (simnet).
func newTestCA(t *testing.T) *simnet.CA {
	return simnet.NewCA(t, pkix.Name{CommonName: "edge-setup test CA"})
}
