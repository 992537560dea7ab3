package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps/remoteaccess"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// startBenchSSHD sends an SSH banner on every connection, then either n
// bytes (after a 'D') or an echo.
func startBenchSSHD(n int64) (net.Listener, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	payload := make([]byte, 1<<20)
	_, _ = rand.Read(payload)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				if _, err := io.WriteString(c, benchBanner); err != nil {
					return
				}
				first := make([]byte, 1)
				if _, err := io.ReadFull(c, first); err != nil {
					return
				}
				if first[0] == 'U' { // an upload: n bytes, then one byte back
					if _, err := io.CopyN(io.Discard, c, n); err == nil {
						_, _ = c.Write([]byte{'K'})
					}
					_, _ = io.Copy(io.Discard, c)
					return
				}
				if first[0] != 'D' {
					_, _ = c.Write(first)
					_, _ = io.Copy(c, c)
					return
				}
				for left := n; left > 0; {
					k := min(left, int64(len(payload)))
					if _, err := c.Write(payload[:k]); err != nil {
						return
					}
					left -= k
				}
				_, _ = io.Copy(io.Discard, c)
			}()
		}
	}()
	return ln, nil
}

type relayProcess struct {
	cmd    *exec.Cmd
	done   chan struct{}
	closed chan struct{} // a session process said it closed
}

// startRelayProcess seeds root as a registered Edge and starts the real
// relay, waiting for it to be ready.
func startRelayProcess(ctx context.Context, bin, root, url string, dev tenantsim.RegisteredDevice, sshd string) (*relayProcess, error) {
	store := edgeprops.New(root)
	if _, err := remoteaccess.Allow(store, sshd); err != nil {
		return nil, err
	}
	cfg, err := store.LoadAgentConfig()
	if err != nil {
		return nil, err
	}
	cfg.URL = url
	if err := store.SaveAgentConfig(cfg); err != nil {
		return nil, err
	}
	if err := store.SaveCredentials(edgeprops.Credentials{Tenant: raBenchTenant, Username: dev.User, Password: dev.Password, URL: url}); err != nil {
		return nil, err
	}
	idPath := store.Path(edgeprops.DeviceIDFile)
	if err := os.MkdirAll(filepath.Dir(idPath), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(idPath, []byte("bench-edge\n"), 0o644); err != nil {
		return nil, err
	}
	// Above the default cap (16): the concurrency row measures the relay, not its limit.
	cmd := exec.CommandContext(ctx, bin, "--root", root, "remote-access", "serve", "--max-sessions", "200")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &relayProcess{cmd: cmd, done: make(chan struct{}), closed: make(chan struct{}, 100)}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		first := true
		for sc.Scan() {
			l := sc.Text()
			if strings.Contains(l, "allowed on this Edge") {
				continue
			}
			if first {
				ready <- l
				first = false
			}
			if strings.Contains(l, ": closed") {
				select {
				case p.closed <- struct{}{}:
				default:
				}
			}
		}
		close(p.done)
	}()
	select {
	case l := <-ready:
		if !strings.Contains(l, "relay ready") {
			p.stop()
			return nil, fmt.Errorf("the relay said %q", l)
		}
	case <-time.After(30 * time.Second):
		p.stop()
		return nil, fmt.Errorf("the relay did not get ready")
	}
	return p, nil
}

func (p *relayProcess) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
	}
	_ = p.cmd.Wait()
}
