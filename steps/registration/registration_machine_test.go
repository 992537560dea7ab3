package registration_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/registration"
	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/tenantapi"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// machineRun is the record of one registration.RegistrationMachine.Run on a faultWorld's
// simulated clock: every event and every wait, in order.
type machineRun struct {
	mu     sync.Mutex
	events []registration.RegEvent
	sleeps []time.Duration
	conn   *registration.Connection
	err    error
}

func (mr *machineRun) record(ev registration.RegEvent) {
	mr.mu.Lock()
	defer mr.mu.Unlock()
	mr.events = append(mr.events, ev)
}

// kinds names the events, e.g. "Status(Pending acceptance)", "Done(2)".
func (mr *machineRun) kinds() []string {
	mr.mu.Lock()
	defer mr.mu.Unlock()
	var out []string
	for _, ev := range mr.events {
		switch ev := ev.(type) {
		case registration.RegStatusChanged:
			out = append(out, "Status("+ev.Status+")")
		case registration.RegActionDone:
			out = append(out, fmt.Sprintf("Done(%d)", ev.Action))
		case registration.RegActionFailed:
			out = append(out, fmt.Sprintf("Failed(%d)", ev.Action))
		case registration.RegRetrying:
			out = append(out, "Retrying")
		case registration.RegFailed:
			out = append(out, fmt.Sprintf("registration.RegFailed(%v)", ev.CanRegisterAgain))
		case registration.RegConnection:
			out = append(out, "registration.Connection")
		case registration.RegResumed:
			out = append(out, "Resumed("+ev.Timeline.Current()+")")
		}
	}
	return out
}

func (mr *machineRun) has(kind string) bool {
	for _, k := range mr.kinds() {
		if k == kind {
			return true
		}
	}
	return false
}

// runMachine runs m on fw's clock until it returns (at most 200 waits);
// at each wait s decides what the world does.
func (fw *faultWorld) runMachine(t *testing.T, m *registration.RegistrationMachine, cmds <-chan registration.RegCommand, s func(n int, mr *machineRun)) *machineRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mr := &machineRun{}
	hook := m.Emit
	m.Emit = func(ev registration.RegEvent) {
		mr.record(ev)
		if hook != nil {
			hook(ev)
		}
	}
	m.Sleep = func(ctx context.Context, d time.Duration) error {
		mr.mu.Lock()
		n := len(mr.sleeps)
		mr.sleeps = append(mr.sleeps, d)
		mr.mu.Unlock()
		if n >= 200 {
			cancel()
			return errors.New("too many polls: the registration never finished")
		}
		fw.clock.advance(d)
		s(n, mr)
		return ctx.Err()
	}
	if m.Reg == nil {
		m.Reg = fw.reg
	}
	mr.conn, mr.err = m.Run(ctx, cmds)
	return mr
}

func (fw *faultWorld) withTenantUser() {
	admin := tenantapi.Credentials{User: stepstest.AdminUser, Password: stepstest.AdminPassword}
	fw.reg.Tenant = &admin
}

// Poll, back off, complete with retry: transient failures of the poll and
// of the completion are retried with the backoff, the credentials issued
// once are stored and the events say each step.
func TestMachinePollsBacksOffAndCompletesWithRetry(t *testing.T) {
	fw := newFaultWorld(t, nil)
	fw.Sim.SetFault(tenantsim.Fault{PathPrefix: devCredPath, Count: 2, Status: 503})
	mr := fw.runMachine(t, &registration.RegistrationMachine{}, nil, func(n int, mr *machineRun) {
		if acceptWhenPending(fw) {
			// the proof of the credentials fails twice after they came
			fw.Sim.SetFault(tenantsim.Fault{PathPrefix: "/tenant/currentTenant", Count: 2, Status: 503})
		}
	})
	if mr.err != nil || mr.conn == nil {
		t.Fatalf("Run: %v", mr.err)
	}
	want := "Retrying,Retrying,Status(Not accepted yet),Status(Accepted),Retrying,Retrying,Status(Connected),registration.Connection"
	if got := strings.Join(mr.kinds(), ","); got != want {
		t.Errorf("events %s\nwant   %s", got, want)
	}
	c := fw.reg.Cadence
	for i, n := range []int{1, 2} {
		if d, base := mr.sleeps[i], retryBase(c, n); d < time.Duration(float64(base)*(1-c.Jitter)) || d > time.Duration(float64(base)*(1+c.Jitter)) {
			t.Errorf("wait after failure %d = %v, want about %v", n, d, base)
		}
	}
	if mr.sleeps[2] != c.Interval(0) {
		t.Errorf("wait after a quiet poll = %v, want the cadence's %v", mr.sleeps[2], c.Interval(0))
	}
	if n := fw.Sim.CountRequests(http.MethodPost, devCredPath); n != 4 {
		t.Errorf("%d credential requests, want 4 (2 failed, 1 not yet, 1 with them): the completion never asks again", n)
	}
	checkFiles(t, fw.Env, true)
}

// A fatal answer stops at once with registration.RegFailed; the progress kept before
// lets a new machine resume with the timeline reached.
func TestMachineStopsOnFatalAndResumes(t *testing.T) {
	fw := newFaultWorld(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	mr := &machineRun{}
	m := &registration.RegistrationMachine{Reg: fw.reg, Emit: mr.record, Sleep: func(context.Context, time.Duration) error {
		cancel() // left after the first poll
		return ctx.Err()
	}}
	if _, err := m.Run(ctx, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want canceled", err)
	}
	fw.reg.Bootstrap.Password = "not-the-password"
	mr = fw.runMachine(t, &registration.RegistrationMachine{}, nil, func(int, *machineRun) {})
	if mr.err == nil || !strings.Contains(mr.err.Error(), "bootstrap password") || len(mr.sleeps) != 0 {
		t.Fatalf("Run = %v after %d waits, want the 401 explained at once", mr.err, len(mr.sleeps))
	}
	if got := strings.Join(mr.kinds(), ","); got != "Resumed(Not accepted yet),registration.RegFailed(false)" {
		t.Errorf("events %s", got)
	}
}

// A command given while a poll is in flight is taken after it returns and
// before the next request: the tenant user given then reads the request's
// status in the very next round, without waiting for the cadence.
func TestMachineTakesACommandGivenDuringAPollAfterIt(t *testing.T) {
	fw := newFaultWorld(t, nil)
	inFlight, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == devCredPath {
			once.Do(func() { close(inFlight); <-release })
		}
		fw.Sim.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	fw.reg = fw.registrationFor(t, srv.URL)
	cmds := make(chan registration.RegCommand, 1)
	go func() {
		<-inFlight
		cmds <- registration.RegCommand{Action: registration.RegUseTenantUser, Answers: steps.Answers{
			steps.KeyTenantUser: stepstest.AdminUser, steps.KeyTenantPassword: stepstest.AdminPassword}}
		close(release)
	}()
	mr := fw.runMachine(t, &registration.RegistrationMachine{Auto: registration.RegAuto{Accept: true}}, cmds, func(int, *machineRun) {})
	if mr.err != nil || mr.conn == nil {
		t.Fatalf("Run: %v", mr.err)
	}
	want := "Status(Not accepted yet),Done(4),Status(Pending acceptance),Done(3),Status(Accepted),Status(Connected),registration.Connection"
	if got := strings.Join(mr.kinds(), ","); got != want {
		t.Errorf("events %s\nwant   %s", got, want)
	}
	if len(mr.sleeps) != 0 {
		t.Errorf("%d waits: the command should have cut the first one short and the rest follows at once", len(mr.sleeps))
	}
	// After the poll in flight, the tenant user's view of the request comes
	// before the device's next poll.
	view, poll := -1, -1
	for i, r := range fw.Sim.Requests() {
		switch {
		case i == 0 && r.Path != devCredPath:
			t.Fatalf("first request %s %s, want the poll", r.Method, r.Path)
		case view < 0 && strings.HasPrefix(r.Path, "/devicecontrol/newDeviceRequests/") && r.User == stepstest.AdminUser:
			view = i
		case i > 0 && poll < 0 && r.Path == devCredPath:
			poll = i
		}
	}
	if view < 0 || poll < view {
		t.Errorf("the tenant user's view (request %d) must come before the next poll (request %d)", view, poll)
	}
}

// The auto policy creates a missing request and accepts a pending one,
// also when a resumed registration is already pending (its status is
// then no change, and an "act on change" policy never accepted).
func TestMachineAutoPolicyCreatesAndAccepts(t *testing.T) {
	t.Run("fresh", func(t *testing.T) {
		fw := newFaultWorld(t, nil)
		fw.withTenantUser()
		if err := fw.reg.Client.DeleteNewDeviceRequest(context.Background(), *fw.reg.Tenant, fw.id); err != nil {
			t.Fatal(err)
		}
		mr := fw.runMachine(t, &registration.RegistrationMachine{Auto: registration.RegAuto{Create: true, Accept: true}}, nil, func(int, *machineRun) {})
		if mr.err != nil {
			t.Fatalf("Run: %v", mr.err)
		}
		want := "Status(Not registered in the tenant),Done(2),Status(Waiting for connection),Status(Pending acceptance),Done(3),Status(Accepted),Status(Connected),registration.Connection"
		if got := strings.Join(mr.kinds(), ","); got != want {
			t.Errorf("events %s\nwant   %s", got, want)
		}
	})
	t.Run("resumed pending", func(t *testing.T) {
		fw := newFaultWorld(t, nil)
		fw.withTenantUser()
		ctx, cancel := context.WithCancel(context.Background())
		seen := ""
		m := &registration.RegistrationMachine{Reg: fw.reg, Emit: func(ev registration.RegEvent) {
			if st, ok := ev.(registration.RegStatusChanged); ok {
				seen = st.Status
			}
		}, Sleep: func(context.Context, time.Duration) error {
			if seen == registration.StatusPending {
				cancel() // the operator left once the screen said pending
			}
			return ctx.Err()
		}}
		if _, err := m.Run(ctx, nil); !errors.Is(err, context.Canceled) {
			t.Fatalf("first run: %v", err)
		}
		mr := fw.runMachine(t, &registration.RegistrationMachine{Auto: registration.RegAuto{Accept: true}}, nil, func(int, *machineRun) {})
		if mr.err != nil || !mr.has("Done(3)") {
			t.Fatalf("resumed run: %v, events %v: the pending request was not accepted", mr.err, mr.kinds())
		}
	})
}

// Lost credentials: the machine says so and waits for the operator; the
// command to register again deletes and creates the request, and a new
// acceptance connects. With Auto.RegisterAgain it does this by itself.
func TestMachineRegistersAgainAfterLostCredentials(t *testing.T) {
	for _, auto := range []bool{false, true} {
		t.Run(fmt.Sprintf("auto %v", auto), func(t *testing.T) {
			fw := newFaultWorld(t, nil)
			fw.withTenantUser()
			cmds := make(chan registration.RegCommand, 1)
			operator := func(ev registration.RegEvent) {
				if f, ok := ev.(registration.RegFailed); ok && f.CanRegisterAgain {
					cmds <- registration.RegCommand{Action: registration.RegRegisterAgain}
				}
			}
			taken := false
			mr := fw.runMachine(t, &registration.RegistrationMachine{Auto: registration.RegAuto{RegisterAgain: auto}, Emit: operator}, cmds, func(n int, mr *machineRun) {
				switch {
				case !taken && fw.reg.Accept(context.Background()) == nil:
					taken = true
					agentPoll(t, fw) // another poller takes the credentials and drops them
				case mr.has("Done(5)"):
					acceptWhenPending(fw)
				}
			})
			if mr.err != nil || mr.conn == nil {
				t.Fatalf("Run = %v, events %v", mr.err, mr.kinds())
			}
			if !mr.has("Done(5)") || mr.has("registration.RegFailed(true)") == auto {
				t.Errorf("events %v: want register again done, offered first only without auto", mr.kinds())
			}
			checkFiles(t, fw.Env, true)
		})
	}
}

// Once (register without --wait, apply's wait: false): one poll when
// nothing moves; with the auto policy it follows the request through
// create and accept without waiting.
func TestMachineOnce(t *testing.T) {
	fw := newFaultWorld(t, nil)
	mr := fw.runMachine(t, &registration.RegistrationMachine{Once: true}, nil, func(int, *machineRun) {})
	if !errors.Is(mr.err, registration.ErrNotConnectedYet) || len(mr.sleeps) != 0 || fw.Sim.CountRequests(http.MethodPost, devCredPath) != 1 {
		t.Fatalf("Run = %v after %d waits and %d polls, want not connected yet after one poll", mr.err, len(mr.sleeps), fw.Sim.CountRequests(http.MethodPost, devCredPath))
	}
	if _, ok := registration.PendingRegistration(fw.Env); ok {
		t.Error("a check without waiting kept progress to resume")
	}
	fw.withTenantUser()
	if err := fw.reg.Client.DeleteNewDeviceRequest(context.Background(), *fw.reg.Tenant, fw.id); err != nil {
		t.Fatal(err)
	}
	mr = fw.runMachine(t, &registration.RegistrationMachine{Once: true, Auto: registration.RegAuto{Create: true, Accept: true}}, nil, func(int, *machineRun) {})
	if mr.err != nil || mr.conn == nil || len(mr.sleeps) != 0 {
		t.Fatalf("Run = %v after %d waits, events %v", mr.err, len(mr.sleeps), mr.kinds())
	}
}
