package remoteaccess

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/edge-setup/edge-setup/tenantapi"
	wire "github.com/edge-setup/edge-setup/tenantapi/remoteaccess"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

func readN(t *testing.T, r io.Reader, n int) []byte {
	t.Helper()
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		t.Fatalf("reading %d bytes through the tunnel: %v", n, err)
	}
	return buf
}

// waitStatus waits until the last connect operation reaches want.
func (w *world) waitStatus(want string) tenantapi.Operation {
	w.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		ops, err := w.client.ConnectOperations(context.Background(), w.admin, w.moID, time.Time{})
		if err != nil {
			w.t.Fatal(err)
		}
		if len(ops) > 0 && ops[0].Status == want {
			return ops[0]
		}
		if time.Now().After(deadline) {
			got := "none"
			if len(ops) > 0 {
				got = ops[0].Status + " " + ops[0].FailureReason
			}
			w.t.Fatalf("operation status: want %s, have %s", want, got)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRelayCarriesBytesBothWaysAndReportsSuccess(t *testing.T) {
	w := newWorld(t, 5*time.Second)
	addr, conns := echoServer(t, "SSH-2.0-Test\r\n")
	cfg := w.passthrough(addr)
	var logMu sync.Mutex
	var lines []string
	w.relay(func(l string) { logMu.Lock(); lines = append(lines, l); logMu.Unlock() })

	c := w.dial(cfg)
	if got := string(readN(t, c, 14)); got != "SSH-2.0-Test\r\n" {
		t.Fatalf("banner %q", got)
	}
	op := w.waitStatus(tenantapi.OpSuccessful)
	if op.FailureReason != "" {
		t.Fatalf("failure reason on success: %q", op.FailureReason)
	}
	payload := make([]byte, 300<<10) // several frames each way
	_, _ = rand.Read(payload)
	go func() { _, _ = c.Write(payload) }()
	if got := readN(t, c, len(payload)); !bytes.Equal(got, payload) {
		t.Fatal("the echo came back different")
	}
	c.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		active, _ := w.sim.RemoteAccessSessions()
		if active == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("closing the client did not close the session")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if conns() != 1 {
		t.Fatalf("%d TCP connections for one session", conns())
	}
	for {
		logMu.Lock()
		j := strings.Join(lines, "\n")
		logMu.Unlock()
		if strings.Contains(j, "open to "+addr) && strings.Contains(j, "closed after") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("log lines:\n%s", j)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRelayReportsConnectionRefused(t *testing.T) {
	w := newWorld(t, 3*time.Second)
	cfg := w.passthrough(closedPort(t))
	w.relay(nil)
	c := w.dial(cfg)
	defer c.Close()
	op := w.waitStatus(tenantapi.OpFailed)
	if !strings.Contains(op.FailureReason, "connection refused") {
		t.Fatalf("failure reason %q", op.FailureReason)
	}
}

func TestSessionTimesOutWithoutRelay(t *testing.T) {
	w := newWorld(t, 200*time.Millisecond)
	addr, _ := echoServer(t, "x")
	cfg := w.passthrough(addr)
	c := w.dial(cfg)
	defer c.Close()
	_, err := c.Read(make([]byte, 1))
	var ce websocket.CloseError
	if !errors.As(err, &ce) || !strings.Contains(ce.Reason, "did not connect") {
		t.Fatalf("read after the attach timeout: %v", err)
	}
	w.waitStatus(tenantapi.OpPending) // left as the platform leaves it
}

func TestDeviceSocketNeedsCredentialsAndIsSingleUse(t *testing.T) {
	w := newWorld(t, 3*time.Second)
	addr, _ := echoServer(t, "x")
	cfg := w.passthrough(addr)
	c := w.dial(cfg)
	defer c.Close()
	op := w.waitStatus(tenantapi.OpPending)
	req, err := parseConnect(op)
	if err != nil {
		t.Fatal(err)
	}
	bad := w.dev
	bad.Password = "wrong"
	if _, err := wire.DialDevice(context.Background(), w.client, bad, req.Key); !errors.Is(err, tenantapi.ErrUnauthorized) {
		t.Fatalf("wrong password: %v", err)
	}
	d, err := wire.DialDevice(context.Background(), w.client, w.dev, req.Key)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := wire.DialDevice(context.Background(), w.client, w.dev, req.Key); !errors.Is(err, tenantapi.ErrNotFound) {
		t.Fatalf("second use of the key: %v", err)
	}
	// Both directions through the raw sockets, device end closing first.
	go func() { _, _ = d.Write([]byte("from device")) }()
	if got := string(readN(t, c, 11)); got != "from device" {
		t.Fatalf("client got %q", got)
	}
	go func() { _, _ = c.Write([]byte("from client")) }()
	if got := string(readN(t, d, 11)); got != "from client" {
		t.Fatalf("device got %q", got)
	}
	d.Close()
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatal("the client end stayed open after the device closed")
	}
}

func TestClientSocketNeedsRoleAndService(t *testing.T) {
	w := newWorld(t, time.Second)
	addr, _ := echoServer(t, "x")
	cfg := w.passthrough(addr)
	w.sim.SetUserRoles(testAdmin, []string{tenantsim.RoleDeviceControlAdmin})
	if _, err := wire.DialClient(context.Background(), w.client, w.admin, w.moID, cfg); !errors.Is(err, tenantapi.ErrForbidden) {
		t.Fatalf("without the role: %v", err)
	}
	w.sim.SetUserRoles(testAdmin, tenantsim.AllRoles())
	w.sim.SetRemoteAccessSubscribed(false)
	if _, err := wire.DialClient(context.Background(), w.client, w.admin, w.moID, cfg); !errors.Is(err, tenantapi.ErrNotFound) {
		t.Fatalf("unsubscribed: %v", err)
	}
	if err := w.client.RemoteAccessHealth(context.Background(), w.admin); !errors.Is(err, tenantapi.ErrNotFound) {
		t.Fatalf("health unsubscribed: %v", err)
	}
	w.sim.SetRemoteAccessSubscribed(true)
	if err := w.client.RemoteAccessHealth(context.Background(), w.admin); err != nil {
		t.Fatalf("health: %v", err)
	}
}

func TestRelayServesConcurrentSessions(t *testing.T) {
	w := newWorld(t, 5*time.Second)
	addr, conns := echoServer(t, "B")
	cfg := w.passthrough(addr)
	w.relay(nil)
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			c, err := wire.DialClient(ctx, w.client, w.admin, w.moID, cfg)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			msg := []byte(strings.Repeat(string(rune('a'+i)), 1000))
			if _, err := c.Write(msg); err != nil {
				errs <- err
				return
			}
			got := make([]byte, 1+len(msg))
			if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got[1:], msg) {
				errs <- errors.New("session mixed up or cut")
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if conns() != n {
		t.Fatalf("%d TCP connections for %d sessions", conns(), n)
	}
}

func TestRelayFallsBackToPollingWithoutNotifications(t *testing.T) {
	w := newWorld(t, 5*time.Second)
	addr, _ := echoServer(t, "P")
	cfg := w.passthrough(addr)
	w.sim.SetFault(tenantsim.Fault{PathPrefix: wire.OperationsPath, Status: 503})
	w.relay(nil)
	c := w.dial(cfg)
	defer c.Close()
	if got := string(readN(t, c, 1)); got != "P" {
		t.Fatalf("got %q", got)
	}
}

func TestRelayHandshakesAgainWhenTheTenantForgetsIt(t *testing.T) {
	w := newWorld(t, 5*time.Second)
	addr, _ := echoServer(t, "R")
	cfg := w.passthrough(addr)
	w.relay(nil)
	w.sim.DropNotificationClients() // a platform restart
	deadline := time.Now().Add(5 * time.Second)
	for w.sim.NotificationClients() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the relay did not handshake again")
		}
		time.Sleep(10 * time.Millisecond)
	}
	c := w.dial(cfg)
	defer c.Close()
	if got := string(readN(t, c, 1)); got != "R" {
		t.Fatalf("got %q", got)
	}
}

// A failure reason from the tenant is shown made safe (no escape sequences).
func TestBrokenLinkTextFromTheTenantIsMadeSafe(t *testing.T) {
	w := newWorld(t, time.Second)
	id := w.sim.CreateOperation(w.moID, map[string]any{"c8y_RemoteAccessConnect": map[string]any{"hostname": "127.0.0.1", "port": 22, "connectionKey": "k"}})
	if err := w.client.UpdateOperation(context.Background(), w.dev, id, tenantapi.OpFailed, "\x1b]0;pwned\x07\x1b[2Jconnection refused"); err != nil {
		t.Fatal(err)
	}
	err := afterSilence(ProveOptions{Client: w.client, User: w.admin, MOID: w.moID}, nil)
	if brokenLink(t, err) != LinkSSHDown || strings.ContainsAny(err.Error(), "\x1b\x07") {
		t.Fatalf("%q", err.Error())
	}
}

// The first byte does not wait for the tenant's answer to a status update
// (a round trip on its path): with every update held, the banner still
// comes through; let go, the operation ends SUCCESSFUL.
func TestSessionCopiesBeforeTheTenantAnswersItsStatus(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	let := func() { once.Do(func() { close(release) }) }
	w := newWorldBehind(t, 5*time.Second, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, "/devicecontrol/operations/") {
				select {
				case <-release:
				case <-r.Context().Done():
				}
			}
			h.ServeHTTP(rw, r)
		})
	})
	t.Cleanup(let) // before the server closes: it waits for held requests
	addr, _ := echoServer(t, "SSH-2.0-Test\r\n")
	cfg := w.passthrough(addr)
	w.relay(nil)
	c := w.dial(cfg)
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second)) // a hang guard only
	if got := string(readN(t, c, 14)); got != "SSH-2.0-Test\r\n" {
		t.Fatalf("banner %q", got)
	}
	let()
	w.waitStatus(tenantapi.OpSuccessful)
}
