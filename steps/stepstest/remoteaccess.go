package stepstest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps/remoteaccess"
)

// RemoteAccessEdge makes the world's root a connected Edge with an sshd, a host key,
// a user "ops" and a relay; it returns the sshd's port.
func RemoteAccessEdge(t testing.TB, w *World) string {
	t.Helper()
	d := w.Sim.RegisterDevice("edge-s", nil)
	store := w.Env.Props
	cfg, _ := store.LoadAgentConfig()
	cfg.URL = w.URL
	if err := store.SaveAgentConfig(cfg); err != nil {
		t.Fatal(err)
	}
	if err := store.SaveCredentials(edgeprops.Credentials{Tenant: TenantID, Username: d.User, Password: d.Password, URL: w.URL}); err != nil {
		t.Fatal(err)
	}
	idPath := store.Path(edgeprops.DeviceIDFile)
	_ = os.MkdirAll(filepath.Dir(idPath), 0o755)
	_ = os.WriteFile(idPath, []byte("edge-s\n"), 0o644)
	_ = os.MkdirAll(filepath.Join(w.Env.Root, "etc/ssh"), 0o755)
	_ = os.WriteFile(filepath.Join(w.Env.Root, "etc/passwd"), []byte("root:x:0:0::/root:/bin/sh\nops:x:1000:1000::/home/ops:/bin/bash\n"), 0o644)

	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	signer, _ := ssh.NewSignerFromKey(priv)
	pub := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey())))
	_ = os.WriteFile(filepath.Join(w.Env.Root, "etc/ssh/ssh_host_ed25519_key.pub"), []byte(pub+" root@edge\n"), 0o644)
	root := w.Env.Root
	scfg := &ssh.ServerConfig{PasswordCallback: func(ssh.ConnMetadata, []byte) (*ssh.Permissions, error) { return nil, errors.New("no") },
		PublicKeyCallback: func(c ssh.ConnMetadata, k ssh.PublicKey) (*ssh.Permissions, error) {
			a, err := remoteaccess.LookupAccount(root, c.User())
			if err == nil && remoteaccess.HasKey(root, a, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k)))) {
				return nil, nil
			}
			return nil, errors.New("no")
		}}
	scfg.AddHostKey(signer)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				if sc, chans, reqs, err := ssh.NewServerConn(c, scfg); err == nil {
					go ssh.DiscardRequests(reqs)
					for range chans {
					}
					sc.Close()
				}
			}()
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	ready := make(chan struct{})
	var once sync.Once
	go func() {
		defer close(done)
		_ = remoteaccess.RunRelay(ctx, remoteaccess.ServeOptions{Props: store, NewClient: w.Env.NewClient, Poll: 50 * time.Millisecond,
			Ready: func(*remoteaccess.Edge, string) { once.Do(func() { close(ready) }) }})
	}()
	t.Cleanup(func() { cancel(); <-done })
	<-ready
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}
