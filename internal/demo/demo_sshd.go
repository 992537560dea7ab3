package demo

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/subtle"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/edge-setup/edge-setup/edgeprops"
)

// The demo's SSH login (printed in the intro: it exists only in the demo).
const (
	demoSSHUser     = "demo"
	demoSSHPassword = "demo-ssh-Passw0rd"
	demoHostname    = "edge-demo"
)

// demoSSHD is a small SSH server on loopback standing in for the Edge's
// sshd: its host key lives under the sandbox's etc/ssh, the demo user logs
// in with the password or a key in its authorized_keys, and gets a tiny shell.
type demoSSHD struct {
	root string
	cfg  *ssh.ServerConfig
	addr string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]bool
	wg    sync.WaitGroup
}

// startDemoSSHD loads (or makes) the host key and listens on a loopback port.
func startDemoSSHD(root string) (*demoSSHD, error) {
	signer, err := demoHostKey(root)
	if err != nil {
		return nil, err
	}
	d := &demoSSHD{root: root, conns: map[net.Conn]bool{}}
	d.cfg = &ssh.ServerConfig{
		ServerVersion: "SSH-2.0-OpenSSH_9.6p1 edge-setup-demo",
		PasswordCallback: func(c ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
			if c.User() == demoSSHUser && subtle.ConstantTimeCompare(pw, []byte(demoSSHPassword)) == 1 {
				return nil, nil
			}
			return nil, errors.New("wrong user or password")
		},
		PublicKeyCallback: func(c ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			if c.User() == demoSSHUser && d.authorized(key) {
				return nil, nil
			}
			return nil, errors.New("key not authorized")
		},
	}
	d.cfg.AddHostKey(signer)
	if err := d.Start(); err != nil {
		return nil, err
	}
	return d, nil
}

// demoHostKey reads etc/ssh/ssh_host_ed25519_key under root, creating the
// pair (0600 / 0644) the first time, as an OS installation would.
func demoHostKey(root string) (ssh.Signer, error) {
	path := filepath.Join(root, "etc/ssh/ssh_host_ed25519_key")
	data, err := edgeprops.ReadFileUnder(root, path, 64<<10)
	if errors.Is(err, fs.ErrNotExist) {
		_, priv, gerr := ed25519.GenerateKey(rand.Reader)
		if gerr != nil {
			return nil, gerr
		}
		block, merr := ssh.MarshalPrivateKey(priv, demoHostname)
		if merr != nil {
			return nil, merr
		}
		data = pem.EncodeToMemory(block)
		signer, serr := ssh.NewSignerFromKey(priv)
		if serr != nil {
			return nil, serr
		}
		if err := edgeprops.WriteFileUnder(root, path, data, 0o600); err != nil {
			return nil, err
		}
		pub := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey()))) + " root@" + demoHostname + "\n"
		if err := edgeprops.WriteFileUnder(root, path+".pub", []byte(pub), 0o644); err != nil {
			return nil, err
		}
		return signer, nil
	}
	if err != nil {
		return nil, err
	}
	return ssh.ParsePrivateKey(data)
}

func (d *demoSSHD) authorized(key ssh.PublicKey) bool {
	data, err := edgeprops.ReadFileUnder(d.root, filepath.Join(d.root, "home", demoSSHUser, ".ssh/authorized_keys"), 1<<20)
	if err != nil {
		return false
	}
	for len(data) > 0 {
		k, _, _, rest, err := ssh.ParseAuthorizedKey(data)
		if err != nil {
			return false
		}
		if subtle.ConstantTimeCompare(k.Marshal(), key.Marshal()) == 1 {
			return true
		}
		data = rest
	}
	return false
}

// Start listens (again, on the same port after a Stop).
func (d *demoSSHD) Start() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ln != nil {
		return nil
	}
	addr := d.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("the demo SSH server cannot listen on %s: %w", addr, err)
	}
	d.ln, d.addr = ln, ln.Addr().String()
	d.wg.Add(1)
	go d.accept(ln)
	return nil
}

// Stop closes the listener and every connection (as a stopped sshd).
func (d *demoSSHD) Stop() {
	d.mu.Lock()
	ln := d.ln
	d.ln = nil
	for c := range d.conns {
		c.Close()
	}
	d.mu.Unlock()
	if ln != nil {
		ln.Close()
	}
	d.wg.Wait()
}

// Running reports whether it listens.
func (d *demoSSHD) Running() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.ln != nil
}

func (d *demoSSHD) accept(ln net.Listener) {
	defer d.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		d.mu.Lock()
		d.conns[c] = true
		d.mu.Unlock()
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			defer func() { d.mu.Lock(); delete(d.conns, c); d.mu.Unlock(); c.Close() }()
			d.serve(c)
		}()
	}
}

func (d *demoSSHD) serve(c net.Conn) {
	_ = c.SetDeadline(time.Now().Add(30 * time.Second)) // the handshake
	sc, chans, reqs, err := ssh.NewServerConn(c, d.cfg)
	if err != nil {
		return
	}
	_ = c.SetDeadline(time.Time{})
	defer sc.Close()
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.UnknownChannelType, "only sessions")
			continue
		}
		ch, creqs, err := nc.Accept()
		if err != nil {
			continue
		}
		go demoSession(ch, creqs, sc.User())
	}
}

// demoSession answers pty-req, shell and exec with the tiny shell.
func demoSession(ch ssh.Channel, reqs <-chan *ssh.Request, user string) {
	defer ch.Close()
	pty := false
	for req := range reqs {
		switch req.Type {
		case "pty-req":
			pty = true
			_ = req.Reply(true, nil)
		case "env", "window-change":
			_ = req.Reply(req.Type == "env", nil)
		case "exec":
			var p struct{ Cmd string }
			_ = ssh.Unmarshal(req.Payload, &p)
			_ = req.Reply(true, nil)
			out, _ := demoCommand(p.Cmd, user)
			_, _ = io.WriteString(ch, out)
			_, _ = ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{0}))
			return
		case "shell":
			_ = req.Reply(true, nil)
			go func() {
				for r := range reqs {
					_ = r.Reply(r.Type == "window-change", nil)
				}
			}()
			demoShell(ch, user, pty)
			_, _ = ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{0}))
			return
		default:
			_ = req.Reply(false, nil)
		}
	}
}
