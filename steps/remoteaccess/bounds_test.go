package remoteaccess

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/tenantapi"
	wire "github.com/edge-setup/edge-setup/tenantapi/remoteaccess"
)

// fakeClock moves only when the test says; After tells on registered.
type fakeClock struct {
	mu         sync.Mutex
	now        time.Time
	waiters    []fakeWaiter
	registered chan struct{}
}

type fakeWaiter struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), registered: make(chan struct{}, 100)}
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	ch := make(chan time.Time, 1)
	c.waiters = append(c.waiters, fakeWaiter{c.now.Add(d), ch})
	c.mu.Unlock()
	c.registered <- struct{}{}
	return ch
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if !w.at.After(c.now) {
			w.ch <- c.now
		} else {
			kept = append(kept, w)
		}
	}
	c.waiters = kept
}

func TestSessionsBeyondTheLimitAreBusyAtOnce(t *testing.T) {
	w := newWorld(t, 5*time.Second)
	addr, conns := echoServer(t, "C")
	cfg := w.passthrough(addr)
	w.startRelay(&Relay{Client: w.client, Device: w.dev, DeviceMO: w.moID, Poll: 50 * time.Millisecond, Props: w.props, MaxSessions: 2})
	for range 2 {
		c := w.dial(cfg)
		defer c.Close()
		readN(t, c, 1)
	}
	_, port, _ := strings.Cut(addr, ":")
	id := w.sim.CreateOperation(w.moID, map[string]any{"c8y_RemoteAccessConnect": map[string]any{"hostname": "127.0.0.1", "port": port, "connectionKey": "third"}})
	op := w.waitOp(id, tenantapi.OpFailed)
	if !strings.HasPrefix(op.FailureReason, "busy:") || conns() != 2 {
		t.Fatalf("the third session: %q, %d connections", op.FailureReason, conns())
	}
}

func TestAnIdleSessionClosesAfterTheHour(t *testing.T) {
	w := newWorld(t, 5*time.Second)
	addr, _ := echoServer(t, "I")
	cfg := w.passthrough(addr)
	clk := newFakeClock()
	w.startRelay(&Relay{Client: w.client, Device: w.dev, DeviceMO: w.moID, Poll: 50 * time.Millisecond, Props: w.props,
		Clock: clk, IdleTimeout: time.Hour})
	c := w.dial(cfg)
	defer c.Close()
	readN(t, c, 1)
	w.waitStatus(tenantapi.OpSuccessful)
	// Wait for the session's idle watch (the relay's own waits register too).
	deadline := time.After(60 * time.Second)
	for {
		clk.Advance(59 * time.Minute) // short of the hour since the last byte: stays open
		if _, err := c.Write([]byte("x")); err != nil {
			t.Fatal(err)
		}
		if got := string(readN(t, c, 1)); got != "x" {
			t.Fatalf("echo %q", got)
		}
		clk.Advance(61 * time.Minute)
		done := make(chan error, 1)
		go func() { _, err := c.Read(make([]byte, 1)); done <- err }()
		select {
		case err := <-done:
			if err == nil {
				t.Fatal("a byte came from an idle session")
			}
			return
		case <-clk.registered:
			// the watch re-armed; advance again
			clk.Advance(61 * time.Minute)
			select {
			case err := <-done:
				if err == nil {
					t.Fatal("a byte came from an idle session")
				}
				return
			case <-deadline:
				t.Fatal("the idle session stayed open")
			}
		case <-deadline:
			t.Fatal("the idle session stayed open")
		}
	}
}

// stepClock answers every wait at once, moving its time on by the wait:
// the relay runs flat out, and its requests can be set against the time
// it asked to wait.
type stepClock struct {
	mu    sync.Mutex
	now   time.Time
	slept time.Duration
}

func (c *stepClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *stepClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.slept += d
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}
func (c *stepClock) Slept() time.Duration { c.mu.Lock(); defer c.mu.Unlock(); return c.slept }

// stormServer is a notification service that answers at once: connect
// as connect says ("ok": successful with no data; "handshake": forget the
// client; "interval": successful with a 2 s interval advice).
func stormServer(t *testing.T, connect string, stopAfter int, stop func()) (*tenantapi.Client, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != wire.OperationsPath {
			_, _ = io.WriteString(w, `{"operations":[]}`)
			return
		}
		if n.Add(1) == int64(stopAfter) {
			stop()
		}
		var msgs []map[string]any
		_ = json.NewDecoder(r.Body).Decode(&msgs)
		ch, _ := msgs[0]["channel"].(string)
		answer := map[string]any{"channel": ch, "successful": true, "clientId": "c1"}
		if ch == "/meta/connect" {
			switch connect {
			case "handshake":
				answer = map[string]any{"channel": ch, "successful": false, "error": "402::Unknown client", "advice": map[string]any{"reconnect": "handshake"}}
			case "interval":
				answer["advice"] = map[string]any{"reconnect": "retry", "interval": 2000}
			}
		}
		_ = json.NewEncoder(w).Encode([]any{answer})
	}))
	t.Cleanup(srv.Close)
	c, err := tenantapi.New(tenantapi.Options{BaseURL: srv.URL, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c, &n
}

// However the notification service answers, the relay's requests stay
// bounded by the time it waits (a burst, then one every pacerGap, at most
// three requests per turn), it obeys the interval advice, and it logs the
// trouble once.
func TestBayeuxStormsAreBounded(t *testing.T) {
	for _, mode := range []string{"ok", "handshake", "interval"} {
		t.Run(mode, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			const requests = 300
			client, n := stormServer(t, mode, requests, cancel)
			clk := &stepClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			var mu sync.Mutex
			var log []string
			r := &Relay{Client: client, Device: tenantapi.Credentials{Tenant: "t", User: "device_x", Password: "p"}, DeviceMO: "1",
				Clock: clk, Poll: time.Second, Log: func(l string) { mu.Lock(); log = append(log, l); mu.Unlock() }}
			done := make(chan struct{})
			go func() { _ = r.Serve(ctx); close(done) }()
			select {
			case <-done:
			case <-time.After(60 * time.Second):
				t.Fatal("the storm did not end")
			}
			allowed := 3 * (pacerBurst + int64(clk.Slept()/pacerGap) + 1)
			if got := n.Load(); got > allowed {
				t.Fatalf("%d requests while waiting %s in all (at most %d)", got, clk.Slept(), allowed)
			}
			if mode == "interval" && clk.Slept() < time.Duration(requests-10)*2*time.Second {
				t.Fatalf("the interval advice was not obeyed: %s waited for %d connects", clk.Slept(), requests)
			}
			mu.Lock()
			defer mu.Unlock()
			troubles := strings.Count(strings.Join(log, "\n"), "do not work")
			if mode == "handshake" && troubles != 1 || mode != "handshake" && troubles != 0 {
				t.Fatalf("%d trouble lines:\n%s", troubles, strings.Join(log, "\n"))
			}
		})
	}
}

// The session process of TestSessionSurvivesARestartOfTheRelay: the test
// binary started again with the world in sessionChildEnv.
const sessionChildEnv = "EDGE_SETUP_TEST_SESSION_CHILD"

func TestMain(m *testing.M) {
	if spec := os.Getenv(sessionChildEnv); spec != "" {
		var w struct{ URL, Tenant, User, Password string }
		_ = json.Unmarshal([]byte(spec), &w)
		var req SessionRequest
		if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
			os.Exit(2)
		}
		c, err := tenantapi.New(tenantapi.Options{BaseURL: w.URL, Timeout: 5 * time.Second})
		if err != nil {
			os.Exit(2)
		}
		Session{Client: c, Device: tenantapi.Credentials{Tenant: w.Tenant, User: w.User, Password: w.Password}}.Run(context.Background(), req)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// A session runs in a process of its own: stopping the relay and starting
// another leaves it open, and the new relay serves new sessions.
func TestSessionSurvivesARestartOfTheRelay(t *testing.T) {
	w := newWorld(t, 5*time.Second)
	addr, _ := echoServer(t, "S")
	cfg := w.passthrough(addr)
	spec, _ := json.Marshal(map[string]string{"URL": w.srv.URL, "Tenant": testTenant, "User": w.dev.User, "Password": w.dev.Password})
	var mu sync.Mutex
	var children []*exec.Cmd
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range children {
			_ = c.Process.Kill()
			_ = c.Wait()
		}
	})
	spawn := func(req SessionRequest) (func() error, error) {
		data, _ := json.Marshal(req)
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), sessionChildEnv+"="+string(spec))
		cmd.Stdin = strings.NewReader(string(data))
		if err := cmd.Start(); err != nil {
			return nil, err
		}
		exited := make(chan struct{})
		var werr error
		go func() { werr = cmd.Wait(); close(exited) }()
		mu.Lock()
		children = append(children, &exec.Cmd{Process: cmd.Process})
		mu.Unlock()
		return func() error { <-exited; return werr }, nil
	}
	newRelay := func() func() {
		_, stop := w.startRelayStoppable(&Relay{Client: w.client, Device: w.dev, DeviceMO: w.moID, Poll: 50 * time.Millisecond, Props: w.props, Spawn: spawn})
		return stop
	}
	echo := func(c io.ReadWriter, msg string) {
		t.Helper()
		if _, err := c.Write([]byte(msg)); err != nil {
			t.Fatal(err)
		}
		if got := string(readN(t, c, len(msg))); got != msg {
			t.Fatalf("echo %q, want %q", got, msg)
		}
	}
	stop := newRelay()
	c1 := w.dial(cfg)
	defer c1.Close()
	readN(t, c1, 1)
	echo(c1, "before")
	stop()
	echo(c1, "while no relay runs")
	newRelay()
	c2 := w.dial(cfg)
	defer c2.Close()
	readN(t, c2, 1)
	echo(c2, "new session")
	echo(c1, "after the restart")
}

// Ordinary traffic never waits for the pacer: three sessions a second,
// each drawing three notifications (its operation, EXECUTING, SUCCESSFUL),
// for a minute. A wait there is the next operation's connect going out
// late, and its first byte with it.
func TestPacerLetsOrdinaryTrafficThrough(t *testing.T) {
	clk := &stepClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	p := &pacer{clk: clk}
	for range 60 * 3 * 3 {
		if err := p.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		clk.mu.Lock()
		clk.now = clk.now.Add(time.Second / 9)
		clk.mu.Unlock()
	}
	if clk.Slept() > 0 {
		t.Fatalf("the pacer held ordinary traffic for %s in a minute", clk.Slept())
	}
}
