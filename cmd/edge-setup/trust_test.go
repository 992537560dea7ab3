package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// A directory, a link or a FIFO at the lock path is not "another copy is
// running": exit 1 with its own message, and the link's target is untouched.
func TestLockPathProblemsAreNotAnotherCopy(t *testing.T) {
	cleanEnv(t)
	for _, kind := range []string{"directory", "symlink", "fifo"} {
		t.Run(kind, func(t *testing.T) {
			root := t.TempDir()
			lock := filepath.Join(root, edgeprops.LockFile)
			if err := os.MkdirAll(filepath.Dir(lock), 0o755); err != nil {
				t.Fatal(err)
			}
			victim := filepath.Join(t.TempDir(), "victim")
			if err := os.WriteFile(victim, []byte("precious\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			var err error
			switch kind {
			case "directory":
				err = os.Mkdir(lock, 0o755)
			case "symlink":
				err = os.Symlink(victim, lock)
			case "fifo":
				err = syscall.Mkfifo(lock, 0o600)
			}
			if err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := runCmd(t, "--root", root, "--plain")
			if code != exitFailed || !strings.Contains(stderr, "cannot take the edge-setup lock") || strings.Contains(stderr, "another edge-setup is running") {
				t.Errorf("exit %d, stderr %q, stdout %q; want exit 1 with the lock's own problem", code, stderr, stdout)
			}
			if b, _ := os.ReadFile(victim); string(b) != "precious\n" {
				t.Errorf("the link's target was changed: %q", b)
			}
		})
	}
}

// A link in a parent directory that leads out of --root: every writer
// refuses (message, exit 1, nothing changed outside).
func TestWritesThroughALinkOutOfTheRootAreRefused(t *testing.T) {
	cleanEnv(t)
	root, outside := t.TempDir(), t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "usr/edge/properties"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, edgeprops.AgentDir)); err != nil {
		t.Fatal(err)
	}
	_, url := startSim(t)
	file := writeAnswers(t, "options:\n  - option: 7\n    answers: {cloud_url: "+url+", bootstrap_password: x-bootstrap-1}\n")
	code, stdout, stderr := runCmd(t, "--root", root, "apply", file)
	if code == exitOK || !strings.Contains(stdout+stderr, "outside the root directory") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Errorf("written outside the root: %v", entries)
	}
}

// register --timeout: negative values and --timeout without --wait are
// refused (exit 2) before anything runs.
func TestRegisterTimeoutFlagChecks(t *testing.T) {
	cleanEnv(t)
	root := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"register", "--wait", "--timeout", "-5m"}, "is negative"},
		{[]string{"register", "--timeout", "5m"}, "--timeout needs --wait"},
	} {
		code, _, stderr := runCmd(t, append([]string{"--root", root}, c.args...)...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", c.args, code, stderr, c.want)
		}
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("a refused command wrote files: %v", entries)
	}
}

// Text from a file reaches the terminal made safe: a c8y.url with escape
// sequences is shown escaped by status and named escaped by register.
func TestHostileURLInTheAgentFileIsShownEscaped(t *testing.T) {
	cleanEnv(t)
	root := t.TempDir()
	props := filepath.Join(root, edgeprops.AgentPropsFile)
	if err := os.MkdirAll(filepath.Dir(props), 0o755); err != nil {
		t.Fatal(err)
	}
	hostile := "c8y.url=https://evil\\u001b]0;pwned\\u0007\\u001b[2J.example.com\nc8y.bootstrap.password=x-bootstrap-1\n"
	if err := os.WriteFile(props, []byte(hostile), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"status"}, {"register"}, {"diagnose"}} {
		_, stdout, stderr := runCmd(t, append([]string{"--root", root}, args...)...)
		out := stdout + stderr
		if strings.ContainsAny(out, "\x1b\x07") {
			t.Errorf("%v printed raw control characters: %q", args, out)
		}
		if !strings.Contains(out, `\x1b`) {
			t.Errorf("%v: the escape is not shown visibly: %q", args, out)
		}
	}
}

// Signals: apply waiting for a registration, and diagnose against a tenant
// that never answers, stop on SIGTERM and SIGINT within about a second
// with exit 130; the files are whole.
func TestCommandsStopOnSignalsWithExit130(t *testing.T) {
	cleanEnv(t)
	_, url := startSim(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0") // accepts, never answers
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	silent := "http://" + ln.Addr().String()
	answers := writeAnswers(t, "options:\n  - option: 7\n    answers: {cloud_url: "+url+", bootstrap_password: "+simBootstrap+", tenant_user: \"\"}\n    register: {wait: true}\n  - option: 8\n    hosting: enabled\n")
	for _, c := range []struct {
		name  string
		args  []string
		ready string
		sig   syscall.Signal
	}{
		{"apply SIGTERM", []string{"apply", answers}, "Not accepted yet", syscall.SIGTERM},
		{"apply SIGINT", []string{"apply", answers}, "Not accepted yet", syscall.SIGINT},
		{"diagnose SIGTERM", []string{"diagnose", "--url", silent}, "TCP", syscall.SIGTERM},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			for name, content := range map[string]string{ // option 8 checks the machine first
				"proc/cpuinfo": strings.Repeat("processor\t: 0\n", 4),
				"proc/meminfo": "MemTotal:       16364964 kB\n",
			} {
				if err := edgeprops.WriteFileAtomic(filepath.Join(root, name), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			cmd := exec.Command(binPath, append([]string{"--root", root}, c.args...)...)
			out := &syncBuffer{}
			cmd.Stdout, cmd.Stderr = out, out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			deadline := time.After(20 * time.Second)
			for !strings.Contains(out.String(), c.ready) {
				select {
				case err := <-exited:
					t.Fatalf("exited (%v) before %q:\n%s", err, c.ready, out.String())
				case <-deadline:
					cmd.Process.Kill()
					t.Fatalf("never reached %q:\n%s", c.ready, out.String())
				case <-time.After(20 * time.Millisecond):
				}
			}
			sent := time.Now()
			_ = cmd.Process.Signal(c.sig)
			err := <-exited
			took := time.Since(sent)
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != exitCanceled {
				t.Errorf("exit: %v, want %d\n%s", err, exitCanceled, out.String())
			}
			if took > 3*time.Second { // 1 s promised; slack for a loaded machine
				t.Errorf("stopped %s after the signal", took)
			}
			if strings.Contains(out.String(), "8 - ") {
				t.Errorf("the option after the interrupted one ran:\n%s", out.String())
			}
			if _, ok, err := edgeprops.New(root).LoadCredentials(); err != nil || ok {
				t.Errorf("credentials after the signal: %v %v", ok, err)
			}
			if _, err := edgeprops.New(root).LoadAgentConfig(); err != nil {
				t.Errorf("agent properties after the signal: %v", err)
			}
		})
	}
}

// syncBuffer is a bytes.Buffer a process writes and a test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// --timeout names the last real reason (here the tenant's 503), not "the
// request is still not accepted".
func TestRegisterTimeoutNamesTheLastRealReason(t *testing.T) {
	cleanEnv(t)
	sim, url := startSim(t)
	root := t.TempDir()
	file := writeAnswers(t, "options:\n  - option: 7\n    answers: {cloud_url: "+url+", bootstrap_password: "+simBootstrap+", tenant_user: \"\"}\n")
	if code, stdout, stderr := runCmd(t, "--root", root, "apply", file); code != exitOK {
		t.Fatalf("apply: %d\n%s%s", code, stdout, stderr)
	}
	sim.SetFault(tenantsim.StatusBurst(0, 503))
	code, stdout, _ := runCmd(t, "--root", root, "register", "--wait", "--timeout", "1s")
	if code != exitTimeout || !strings.Contains(stdout, "the last problem was") || !strings.Contains(stdout, "503") || strings.Contains(stdout, "still not accepted") {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
}

// /dev/zero or a FIFO as the answers file: refused at once, exit 4.
func TestApplyRefusesADeviceAsTheAnswersFile(t *testing.T) {
	cleanEnv(t)
	code, _, stderr := runCmd(t, "--root", t.TempDir(), "apply", "/dev/zero")
	if code != exitInvalidFile || !strings.Contains(stderr, "is a device") {
		t.Errorf("exit %d, %q", code, stderr)
	}
}

// JSON output stays valid and holds no C1 control or bidi override raw.
func TestJSONOutputEscapesWhatEncodingJSONLeaves(t *testing.T) {
	var b bytes.Buffer
	in := map[string]string{"tenant": "t\u009b31m\u202eX\x1b]0;x"}
	if err := writeJSON(&b, in); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(b.String(), "\u009b\u202e\x1b") {
		t.Errorf("raw controls in %q", b.String())
	}
	var out map[string]string
	if err := json.Unmarshal(b.Bytes(), &out); err != nil || out["tenant"] != in["tenant"] {
		t.Errorf("round trip: %q, %v", out["tenant"], err)
	}
}
