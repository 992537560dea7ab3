package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/internal/demo"
)

// The whole chain in the real binary: the demo registers, S sets up both
// endpoints and proves them through the demo tenant and relay; then the
// check command passes, and a real ssh client (when installed) reaches
// the demo shell through `remote-access connect`.
func TestE2ERemoteAccessThroughTheDemoTenant(t *testing.T) {
	root := t.TempDir() // the demo's sandbox, given so that the other commands can use it
	tm := startPTY(t, 100, 30, nil, "--demo", "--root", root)
	s := tm.waitFor("7. Configure Edge Agent")
	url := demoURL.FindStringSubmatch(s)[1]
	tm.send("7")
	tm.waitFor("Enter cloud URL")
	tm.send(url + "\r")
	tm.registerWithDemoUser()
	tm.send("s")
	tm.waitFor("S - Remote SSH access through the tenant")
	// The tenant user given to option 7 is offered again; its password is not asked.
	tm.waitFor("Enter keeps the user given to option 7 in this run")
	tm.send("\r")
	for _, p := range []string{"SSH server's address", "SSH server's port", "Web terminal login", "web terminal logs in as", "Other HOST:PORT the relay may connect to"} {
		tm.waitFor(p)
		tm.send("\r")
	}
	tm.waitFor("Proceed? [y/N]")
	tm.send("y")
	s = tm.waitFor("SSH through the tenant works")
	for _, want := range []string{"SSH endpoint · created", "PASSTHROUGH endpoint · created", "Authorize the key for demo"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}

	env := append(os.Environ(), "C8Y_USER="+demo.User, "C8Y_PASSWORD="+demo.Password)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	check := exec.CommandContext(ctx, binPath, "--root", root, "remote-access", "check", "--json")
	check.Env = env
	out, err := check.CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte(`"ok": true`)) {
		t.Fatalf("remote-access check: %v\n%s", err, out)
	}

	// The demo's relay off, `remote-access serve` takes over; SIGTERM stops it cleanly.
	switches, err := os.ReadFile(filepath.Join(root, demo.FilesDir, "remote-access.txt"))
	if err != nil {
		t.Fatal(err)
	}
	ctl := regexp.MustCompile(`curl -X POST '(http://127\.0\.0\.1:\d+)/`).FindSubmatch(switches)
	if ctl == nil {
		t.Fatalf("no switch URL in remote-access.txt:\n%s", switches)
	}
	if resp, err := http.Post(string(ctl[1])+"/?relay=off", "text/plain", nil); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}
	serve := exec.CommandContext(ctx, binPath, "--root", root, "remote-access", "serve")
	serveOut, _ := serve.StdoutPipe()
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	sr := bufio.NewReader(serveOut)
	if l, _ := sr.ReadString('\n'); !strings.Contains(l, "allowed on this Edge: 127.0.0.1:") {
		t.Fatalf("serve said %q first, not the allow-list S wrote", l)
	}
	if l, _ := sr.ReadString('\n'); !strings.Contains(l, "relay ready for device") {
		t.Fatalf("serve said %q", l)
	}
	check = exec.CommandContext(ctx, binPath, "--root", root, "remote-access", "check")
	check.Env = env
	if out, err := check.CombinedOutput(); err != nil || !bytes.Contains(out, []byte("SSH through the tenant works")) {
		t.Fatalf("check with serve as the relay: %v\n%s", err, out)
	}
	serve.Process.Signal(syscall.SIGTERM)
	rest, _ := io.ReadAll(sr)
	if err := serve.Wait(); serve.ProcessState.ExitCode() != exitCanceled || !strings.Contains(string(rest), "session") || !strings.Contains(string(rest), "relay stopped") {
		t.Fatalf("serve after SIGTERM: %v (want exit %d, as the README says)\n%s", err, exitCanceled, rest)
	}
	if resp, err := http.Post(string(ctl[1])+"/?relay=on", "text/plain", nil); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}

	sshPath, err := exec.LookPath("ssh")
	if err != nil {
		t.Log("no ssh client here: the real-ssh part is skipped")
		return
	}
	keyFile := filepath.Join(t.TempDir(), "id")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", keyFile).CombinedOutput(); err != nil {
		t.Skipf("ssh-keygen: %v %s", err, out)
	}
	pub, _ := os.ReadFile(keyFile + ".pub")
	ak := filepath.Join(root, "home/demo/.ssh/authorized_keys")
	f, err := os.OpenFile(ak, os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(pub)
	f.Close()
	conn := exec.CommandContext(ctx, binPath, "--root", root, "remote-access", "connect")
	conn.Env = env
	stdout, _ := conn.StdoutPipe()
	if err := conn.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Process.Signal(os.Interrupt); conn.Wait() })
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	m := regexp.MustCompile(`ssh -p (\d+)`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("connect printed %q", line)
	}
	ssh := exec.CommandContext(ctx, sshPath, "-i", keyFile, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "BatchMode=yes", "-p", m[1], "demo@127.0.0.1", "whoami; hostname")
	got, err := ssh.CombinedOutput()
	if err != nil || !strings.Contains(string(got), "demo\nedge-demo\n") {
		t.Fatalf("ssh through the tenant: %v\n%s", err, got)
	}
}
