package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"

	"github.com/edge-setup/edge-setup/internal/demo"
)

// ptyTerm is the real binary in a pseudo-terminal: the emulator keeps the
// screen and answers terminal queries, and every raw byte is kept too.
type ptyTerm struct {
	t      *testing.T
	cmd    *exec.Cmd
	pty    *os.File
	mu     sync.Mutex
	emu    *vt.Emulator
	raw    bytes.Buffer
	out    chan struct{} // closed when the output ends
	exited chan struct{}
	err    error
}

// startPTY starts the binary built by TestMain with args in a w x h
// pseudo-terminal. env is added to the environment; NO_COLOR is never
// inherited (the tests decide).
func startPTY(t *testing.T, w, h int, env []string, args ...string) *ptyTerm {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	var base []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NO_COLOR=") {
			base = append(base, kv)
		}
	}
	cmd.Env = append(append(base, "TERM=xterm-256color", "TMPDIR="+t.TempDir()), env...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(w), Rows: uint16(h)})
	if err != nil {
		t.Fatal(err)
	}
	rt := &ptyTerm{t: t, cmd: cmd, pty: f, emu: vt.NewEmulator(w, h), out: make(chan struct{}), exited: make(chan struct{})}
	go func() { // program output -> raw log and emulator
		defer close(rt.out)
		buf := make([]byte, 32*1024)
		for {
			n, err := f.Read(buf)
			if n > 0 {
				rt.mu.Lock()
				rt.raw.Write(buf[:n])
				rt.emu.Write(buf[:n])
				rt.mu.Unlock()
			}
			if err != nil {
				return
			}
		}
	}()
	answers := rt.emu.InputPipe().(io.Closer)
	go func() { // the emulator's answers to terminal queries -> program
		buf := make([]byte, 1024)
		for {
			n, err := rt.emu.Read(buf)
			if n > 0 {
				_, _ = f.Write(buf[:n])
			}
			if err != nil {
				return
			}
		}
	}()
	go func() { rt.err = cmd.Wait(); close(rt.exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-rt.exited
		_ = f.Close()
		<-rt.out
		_ = answers.Close() // ends the answer goroutine without racing the emulator
	})
	return rt
}

func (rt *ptyTerm) screen() string {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return rt.emu.String()
}

func (rt *ptyTerm) rawOutput() string {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return rt.raw.String()
}

func (rt *ptyTerm) send(s string) {
	rt.t.Helper()
	if _, err := rt.pty.WriteString(s); err != nil {
		rt.t.Fatal(err)
	}
}

func (rt *ptyTerm) waitFor(want string) string {
	rt.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if s := rt.screen(); strings.Contains(s, want) {
			return s
		}
		time.Sleep(20 * time.Millisecond)
	}
	rt.t.Fatalf("screen never showed %q; it shows:\n%s", want, rt.screen())
	return ""
}

func (rt *ptyTerm) resize(w, h int) {
	rt.t.Helper()
	rt.mu.Lock()
	rt.emu.Resize(w, h)
	rt.mu.Unlock()
	if err := pty.Setsize(rt.pty, &pty.Winsize{Cols: uint16(w), Rows: uint16(h)}); err != nil {
		rt.t.Fatal(err)
	}
}

// waitExit waits a few seconds for the program to leave by itself and
// returns its exit code.
func (rt *ptyTerm) waitExit(what string) int {
	rt.t.Helper()
	select {
	case <-rt.exited:
	case <-time.After(30 * time.Second):
		rt.t.Fatalf("%s: the program did not exit within 30 s; screen:\n%s", what, rt.screen())
	}
	ws, _ := rt.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		rt.t.Fatalf("%s: the program was killed by %v instead of leaving cleanly", what, ws.Signal())
	}
	select { // the last bytes it wrote
	case <-rt.out:
	case <-time.After(2 * time.Second):
	}
	return rt.cmd.ProcessState.ExitCode()
}

// checkRestored: the last alternate-screen switch is "off" and the last
// cursor switch is "show".
func (rt *ptyTerm) checkRestored(what string) {
	rt.t.Helper()
	raw := rt.rawOutput()
	if on := strings.LastIndex(raw, altScreenOn); on < 0 {
		rt.t.Errorf("%s: the alternate screen was never entered (raw %q)", what, tail(raw))
	} else if off := strings.LastIndex(raw, altScreenOff); off < on {
		rt.t.Errorf("%s: the alternate screen was not left; raw output ends %q", what, tail(raw))
	}
	if hide, show := strings.LastIndex(raw, cursorHide), strings.LastIndex(raw, cursorShow); hide >= 0 && show < hide {
		rt.t.Errorf("%s: the cursor was left hidden; raw output ends %q", what, tail(raw))
	}
}

// registerWithDemoUser answers option 7's tenant user questions (after the
// cloud URL) with the demo's user, creates the request (c), accepts it (a)
// and returns the screen once connected.
func (tm *ptyTerm) registerWithDemoUser() string {
	tm.waitFor("Enter tenant user")
	tm.send(demo.User + "\r")
	tm.waitFor("Enter password of tenant user")
	tm.send(demo.Password + "\r")
	tm.waitFor("Proceed? [y/N]")
	tm.send("y")
	tm.waitFor("Not registered in the tenant")
	tm.send("c")
	tm.waitFor("Pending acceptance")
	tm.send("a")
	return tm.waitFor("Connected to tenant " + demo.TenantID)
}
