package remoteaccess

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/tenantapi"
)

func TestAllowListComparesAddressesNotSpellings(t *testing.T) {
	props := edgeprops.New(t.TempDir())
	if _, err := Allow(props, "127.0.0.1:2222"); err != nil {
		t.Fatal(err)
	}
	l, err := LoadAllowList(props)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		host string
		port int
		want string // "" refused
	}{
		{"127.0.0.1", 2222, "127.0.0.1:2222"},
		{"localhost", 2222, "127.0.0.1:2222"},
		{"0.0.0.0", 2222, "127.0.0.1:2222"},
		{"::ffff:127.0.0.1", 2222, "127.0.0.1:2222"},
		{"127.0.0.2", 2222, ""},
		{"127.0.0.1", 2223, ""},
		{"localhost", 80, ""},
		{"::1", 2222, ""},
		{"[::1]", 2222, ""},
		{"", 2222, ""},
		{"127.0.0.1", 0, ""},
	} {
		got, err := l.Permit(context.Background(), tc.host, tc.port)
		if tc.want == "" {
			var na *NotAllowedError
			if !errors.As(err, &na) || !strings.Contains(err.Error(), "not allowed on this Edge: allow it with edge-setup remote-access allow") {
				t.Errorf("%s:%d: got %q, %v; want refused", tc.host, tc.port, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s:%d: got %q, %v; want %s", tc.host, tc.port, got, err, tc.want)
		}
	}
	// [::1] allowed lets localhost reach it, not 127.0.0.1's other ports.
	if _, err := Allow(props, "[::1]:2222"); err != nil {
		t.Fatal(err)
	}
	l, _ = LoadAllowList(props)
	if got, err := l.Permit(context.Background(), "::", 2222); err != nil || got != "[::1]:2222" {
		t.Errorf(":: got %q, %v", got, err)
	}
	if removed, err := Deny(props, "127.0.0.1:2222"); !removed || err != nil {
		t.Fatalf("deny: %v %v", removed, err)
	}
	l, _ = LoadAllowList(props)
	if _, err := l.Permit(context.Background(), "127.0.0.1", 2222); err == nil || len(l.Entries) != 1 {
		t.Fatalf("after deny: %v %v", l.Entries, err)
	}
}

func TestAllowRefusesBadEntriesAndChangesNothing(t *testing.T) {
	props := edgeprops.New(t.TempDir())
	for _, bad := range []string{"127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", "host name:22", "a/b:22", ":22", "127.0.0.1:ssh", "\x1b[2J:22"} {
		if _, err := Allow(props, bad); err == nil {
			t.Errorf("Allow(%q) accepted", bad)
		} else if strings.ContainsRune(err.Error(), '\x1b') {
			t.Errorf("the error shows an escape: %q", err)
		}
	}
	if l, err := LoadAllowList(props); err != nil || len(l.Entries) != 0 {
		t.Fatalf("%v %v", l.Entries, err)
	}
}

// An operation for a target the allow-list does not name ends FAILED
// with the message, and nothing connects to it; what is allowed works.
func TestRelayRefusesWhatTheAllowListDoesNotName(t *testing.T) {
	w := newWorld(t, 5*time.Second)
	allowed, _ := echoServer(t, "A")
	refused, conns := echoServer(t, "X")
	w.passthrough(allowed)
	var mu sync.Mutex
	var log []string
	w.relay(func(l string) { mu.Lock(); log = append(log, l); mu.Unlock() })
	_, port, _ := strings.Cut(refused, ":")
	for _, host := range []string{"127.0.0.1", "localhost", "0.0.0.0", "127.0.0.2"} {
		id := w.sim.CreateOperation(w.moID, map[string]any{"c8y_RemoteAccessConnect": map[string]any{"hostname": host, "port": port, "connectionKey": "k-" + host}})
		op := w.waitOp(id, tenantapi.OpFailed)
		if !strings.Contains(op.FailureReason, "is not allowed on this Edge: allow it with edge-setup remote-access allow "+host+":"+port) {
			t.Fatalf("%s: failure reason %q", host, op.FailureReason)
		}
	}
	if conns() != 0 {
		t.Fatalf("the relay connected %d times to a target not allowed", conns())
	}
	mu.Lock()
	joined := strings.Join(log, "\n")
	mu.Unlock()
	if !strings.Contains(joined, "not allowed on this Edge") {
		t.Fatalf("the relay did not log the refusal:\n%s", joined)
	}
	// The same port, closed: the same answer (nothing about its state).
	closed := closedPort(t)
	_, cport, _ := strings.Cut(closed, ":")
	id := w.sim.CreateOperation(w.moID, map[string]any{"c8y_RemoteAccessConnect": map[string]any{"hostname": "127.0.0.1", "port": cport, "connectionKey": "k2"}})
	if op := w.waitOp(id, tenantapi.OpFailed); strings.Contains(op.FailureReason, "refused") {
		t.Fatalf("the reason tells the port's state: %q", op.FailureReason)
	}
}

// waitOp waits until operation id reaches want.
func (w *world) waitOp(id, want string) tenantapi.Operation {
	w.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		op, err := w.client.Operation(context.Background(), w.admin, id)
		if err != nil {
			w.t.Fatal(err)
		}
		if op.Status == want {
			return *op
		}
		if time.Now().After(deadline) {
			w.t.Fatalf("operation %s: want %s, have %s %q", id, want, op.Status, op.FailureReason)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
