package remoteaccess

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// stopper is a Reporter that stops (like steps.NewTrackerContext) once
// the sub-step after is done: the next ones do not start.
type stopper struct {
	recorder
	ctx    context.Context
	cancel context.CancelFunc
	after  string
}

func (s *stopper) Do(name string, fn func() (string, error)) error {
	if s.ctx.Err() != nil {
		s.lines = append(s.lines, "interrupted before "+name)
		return fmt.Errorf("interrupted before %q: %w", name, s.ctx.Err())
	}
	err := s.recorder.Do(name, fn)
	if strings.HasPrefix(name, s.after) {
		s.cancel()
	}
	return err
}

// An S stopped between any two of its sub-steps while it replaces the
// key pair leaves a working pair: the endpoint's key is in
// authorized_keys and the proof (which logs in with the endpoint's key)
// passes; the next run finishes the job.
func TestInterruptedSLeavesAWorkingPair(t *testing.T) {
	for _, after := range []string{"Generate an ed25519 key pair", "Authorize the key for", "SSH endpoint"} {
		t.Run(after, func(t *testing.T) {
			w := newWorld(t, 5*time.Second)
			store := w.edgeRoot(t)
			addr, key := testSSHDFor(t, store.Root())
			writeHostKey(t, store.Root(), key.PublicKey())
			w.relay(nil)
			host, port, _ := strings.Cut(addr, ":")
			p := 0
			fmt.Sscan(port, &p)
			setup := func() *Setup {
				edge, err := StoredEdge(store)
				if err != nil {
					t.Fatal(err)
				}
				s := &Setup{Props: store, Client: w.client, User: w.admin, Edge: edge, Set: Settings{Host: host, Port: p, SSHUser: "ops"}}
				if err := s.Check(context.Background(), &recorder{}); err != nil {
					t.Fatal(err)
				}
				return s
			}
			s := setup()
			st, err := s.Apply(context.Background(), &recorder{})
			if err != nil {
				t.Fatal(err)
			}
			// Someone edited the endpoint in the tenant: the next run
			// rewrites it, with a new key pair (the old private key is
			// never sent back).
			list, _ := w.client.RemoteAccessConfigs(context.Background(), w.admin, w.moID)
			ssh, _ := FindEndpoint(list, NameSSH)
			edited := *ssh
			edited.HostKey, edited.PrivateKey = "", "unused"
			edited.PublicKey = ssh.PublicKey
			if _, err := w.client.UpdateRemoteAccessConfig(context.Background(), w.admin, w.moID, edited); err != nil {
				t.Fatal(err)
			}
			s = setup()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			rec := &stopper{ctx: ctx, cancel: cancel, after: after}
			if _, err := s.Apply(ctx, rec); err == nil {
				t.Fatalf("the run was not interrupted:\n%s", rec)
			}
			if _, err := s.ProveSetup(context.Background(), st); err != nil {
				t.Fatalf("after a stop following %q the web terminal is broken: %v\n%s", after, err, rec)
			}
			// The next run completes and drops the earlier key.
			if _, err := s.Apply(context.Background(), &recorder{}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.ProveSetup(context.Background(), st); err != nil {
				t.Fatal(err)
			}
		})
	}
}
