package remoteaccess

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// recorder is a Reporter that keeps "done|skipped|failed name: detail" lines.
type recorder struct{ lines []string }

func (r *recorder) Do(name string, fn func() (string, error)) error {
	d, err := fn()
	if err != nil {
		r.lines = append(r.lines, "failed "+name+": "+err.Error())
		return err
	}
	r.lines = append(r.lines, "done "+name+": "+d)
	return nil
}
func (r *recorder) Skip(name, why string) { r.lines = append(r.lines, "skipped "+name+": "+why) }
func (r *recorder) Warn(msg string)       { r.lines = append(r.lines, "warn "+msg) }
func (r *recorder) Info(msg string)       { r.lines = append(r.lines, "info "+msg) }

func (r *recorder) String() string { return strings.Join(r.lines, "\n") }

// edgeRoot is a root holding the world's device as a registered Edge.
func (w *world) edgeRoot(t *testing.T) *edgeprops.Store {
	root := t.TempDir()
	store := edgeprops.New(root)
	cfg, _ := store.LoadAgentConfig()
	cfg.URL = w.srv.URL
	if err := store.SaveAgentConfig(cfg); err != nil {
		t.Fatal(err)
	}
	if err := store.SaveCredentials(edgeprops.Credentials{Tenant: testTenant, Username: w.dev.User, Password: w.dev.Password, URL: w.srv.URL}); err != nil {
		t.Fatal(err)
	}
	idPath := store.Path(edgeprops.DeviceIDFile)
	_ = os.MkdirAll(filepath.Dir(idPath), 0o755)
	if err := os.WriteFile(idPath, []byte(testDeviceID+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	account(t, root)
	w.props = store
	return store
}

func TestSetupTwiceChangesNothingTheSecondTime(t *testing.T) {
	w := newWorld(t, 5*time.Second)
	store := w.edgeRoot(t)
	addr, key := testSSHDFor(t, store.Root())
	writeHostKey(t, store.Root(), key.PublicKey())
	// The device declared SSH only (as registrations before PASSTHROUGH did).
	if err := w.client.UpdateManagedObject(context.Background(), w.dev, w.moID, map[string]any{"c8y_RemoteAccessSupportedProtocols": []string{"SSH"}}); err != nil {
		t.Fatal(err)
	}
	w.relay(nil)
	host, port, _ := strings.Cut(addr, ":")
	p := 0
	for _, c := range port {
		p = p*10 + int(c-'0')
	}
	run := func() (*recorder, *State) {
		edge, err := StoredEdge(store)
		if err != nil {
			t.Fatal(err)
		}
		s := &Setup{Props: store, Client: w.client, User: w.admin, Edge: edge, Set: Settings{Host: host, Port: p, SSHUser: "ops"}}
		rec := &recorder{}
		if err := s.Check(context.Background(), rec); err != nil {
			t.Fatalf("%v\n%s", err, rec)
		}
		st, err := s.Apply(context.Background(), rec)
		if err != nil {
			t.Fatalf("%v\n%s", err, rec)
		}
		if _, err := s.ProveSetup(context.Background(), st); err != nil {
			t.Fatalf("proof: %v", err)
		}
		return rec, st
	}
	first, st1 := run()
	for _, want := range []string{"done Declare remote access", "done Generate an ed25519 key pair", "done Authorize the key for ops",
		"done SSH endpoint: created", "done PASSTHROUGH endpoint: created", "done Record the remote access settings"} {
		if !strings.Contains(first.String(), want) {
			t.Fatalf("first run lacks %q:\n%s", want, first)
		}
	}
	configs := w.sim.RemoteAccessConfigs(w.moID)
	if len(configs) != 2 {
		t.Fatalf("%d endpoints", len(configs))
	}
	ssh := configs[0]
	cr := ssh["credentials"].(map[string]any)
	if ssh["protocol"] != "SSH" || cr["type"] != CredKeyPair || cr["username"] != "ops" || keyText(cr["hostKey"].(string)) != authorizedLine(key.PublicKey()) {
		t.Fatalf("SSH endpoint %v", ssh)
	}
	acct, _ := LookupAccount(store.Root(), "ops")
	if !HasKey(store.Root(), acct, keyText(cr["publicKey"].(string))) {
		t.Fatal("the endpoint's public key is not in authorized_keys")
	}
	mo, _ := w.sim.ManagedObject(w.moID)
	if got := mo["c8y_RemoteAccessSupportedProtocols"]; len(got.([]any)) != 2 {
		t.Fatalf("protocols %v", got)
	}
	authBefore, _ := os.ReadFile(AuthorizedKeysPath(store.Root(), acct))

	second, st2 := run()
	if strings.Contains(second.String(), "done Declare") || strings.Contains(second.String(), "done Generate") ||
		strings.Contains(second.String(), "done SSH endpoint") || strings.Contains(second.String(), "done PASSTHROUGH endpoint") ||
		strings.Contains(second.String(), "done Record") {
		t.Fatalf("the second run changed something:\n%s", second)
	}
	authAfter, _ := os.ReadFile(AuthorizedKeysPath(store.Root(), acct))
	if string(authAfter) != string(authBefore) || st1.SSHID != st2.SSHID || st1.PassthroughID != st2.PassthroughID || len(w.sim.RemoteAccessConfigs(w.moID)) != 2 {
		t.Fatal("the second run changed the keys or the endpoints")
	}

	// A new port updates both endpoints in place (full PUT, new key pair).
	edge, _ := StoredEdge(store)
	s := &Setup{Props: store, Client: w.client, User: w.admin, Edge: edge, Set: Settings{Host: host, Port: p, SSHUser: "ops"}}
	rec := &recorder{}
	if err := s.Check(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	s.Set.Port = 2222 // as if sshd moved; the check above ran on the real port
	if _, err := s.Apply(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rec.String(), "done SSH endpoint: updated") || !strings.Contains(rec.String(), "done PASSTHROUGH endpoint: updated") {
		t.Fatalf("port change:\n%s", rec)
	}
	after := w.sim.RemoteAccessConfigs(w.moID)
	if len(after) != 2 || after[0]["port"] != float64(2222) && after[0]["port"] != 2222 {
		t.Fatalf("endpoints after the port change: %v", after)
	}
	keys, _ := os.ReadFile(AuthorizedKeysPath(store.Root(), acct))
	if strings.Count(string(keys), "edge-setup-remote-access@") != 1 {
		t.Fatalf("authorized_keys kept the replaced key:\n%s", keys)
	}
}

func TestSetupChecksStopBeforeAnyChange(t *testing.T) {
	w := newWorld(t, time.Second)
	addr, key := testSSHD(t)
	store := w.edgeRoot(t)
	writeHostKey(t, store.Root(), key.PublicKey())
	host, port, _ := strings.Cut(addr, ":")
	p := 0
	for _, c := range port {
		p = p*10 + int(c-'0')
	}
	edge, _ := StoredEdge(store)
	check := func() string {
		s := &Setup{Props: store, Client: w.client, User: w.admin, Edge: edge, Set: Settings{Host: host, Port: p, SSHUser: "ops"}}
		err := s.Check(context.Background(), &recorder{})
		if err == nil {
			return ""
		}
		return err.Error()
	}
	w.sim.SetRemoteAccessSubscribed(false)
	if got := check(); !strings.HasPrefix(got, LinkNotSubscribed) {
		t.Fatalf("unsubscribed: %s", got)
	}
	w.sim.SetRemoteAccessSubscribed(true)
	w.sim.SetUserRoles(testAdmin, []string{tenantsim.RoleDeviceControlAdmin, tenantsim.RoleInventoryAdmin})
	if got := check(); !strings.HasPrefix(got, LinkRoleMissing) {
		t.Fatalf("no role: %s", got)
	}
	w.sim.SetUserRoles(testAdmin, tenantsim.AllRoles())
	p2 := p
	p = 1 // nothing listens on port 1
	if got := check(); !strings.HasPrefix(got, LinkSSHDown) {
		t.Fatalf("sshd down: %s", got)
	}
	p = p2
	bad := *edge
	bad.Device.Password = "wrong"
	edge = &bad
	if got := check(); !strings.Contains(got, "refused the Edge's device credentials") {
		t.Fatalf("bad device credentials: %s", got)
	}
	if len(w.sim.RemoteAccessConfigs(w.moID)) != 0 || w.sim.CountRequests("PUT", "/inventory") != 0 {
		t.Fatal("a failed check changed the tenant")
	}
}
