package remoteaccess

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/ssh"
)

// testSSHD is an SSH server on loopback with a fresh ed25519 host key; it
// lets nobody in (the proof only needs the key exchange).
func testSSHD(t *testing.T) (addr string, hostKey ssh.Signer) { return testSSHDFor(t, "") }

// testSSHDFor is testSSHD that accepts (as sshd does) the keys in each
// user's authorized_keys under root.
func testSSHDFor(t *testing.T, root string) (addr string, hostKey ssh.Signer) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &ssh.ServerConfig{
		ServerVersion:    "SSH-2.0-TestSSHD_1.0",
		PasswordCallback: func(ssh.ConnMetadata, []byte) (*ssh.Permissions, error) { return nil, errors.New("no") },
		PublicKeyCallback: func(c ssh.ConnMetadata, k ssh.PublicKey) (*ssh.Permissions, error) {
			if a, err := LookupAccount(root, c.User()); root != "" && err == nil && HasKey(root, a, authorizedLine(k)) {
				return nil, nil
			}
			return nil, errors.New("no")
		},
	}
	cfg.AddHostKey(signer)
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
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				if sc, chans, reqs, err := ssh.NewServerConn(c, cfg); err == nil {
					go ssh.DiscardRequests(reqs)
					for range chans {
					}
					sc.Close()
				}
			}()
		}
	}()
	return ln.Addr().String(), signer
}

// writeHostKey stores k as the Edge's ed25519 host key under root.
func writeHostKey(t *testing.T, root string, k ssh.PublicKey) {
	t.Helper()
	path := filepath.Join(root, "etc/ssh/ssh_host_ed25519_key.pub")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k))) + " root@edge\n"
	if err := os.WriteFile(path, []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
}
