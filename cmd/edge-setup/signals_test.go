package main

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"
)

// Terminal abuse against the real binary in a pseudo-terminal: SIGTERM,
// SIGHUP and Ctrl+C on every kind of screen, a tiny terminal and a resize
// storm. The program must leave within seconds, by itself (not killed by
// the signal), and give the terminal back: the alternate screen left and
// the cursor shown again, as seen in the raw bytes it wrote.

const (
	altScreenOn  = "\x1b[?1049h"
	altScreenOff = "\x1b[?1049l"
	cursorHide   = "\x1b[?25l"
	cursorShow   = "\x1b[?25h"
)

// rawTerm is the binary in a pty; it keeps the raw output besides the
// emulated screen.
type rawTerm struct {
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

func startRaw(t *testing.T, w, h int, args ...string) *rawTerm {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color", "TMPDIR="+t.TempDir())
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(w), Rows: uint16(h)})
	if err != nil {
		t.Fatal(err)
	}
	rt := &rawTerm{t: t, cmd: cmd, pty: f, emu: vt.NewEmulator(w, h), out: make(chan struct{}), exited: make(chan struct{})}
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

func (rt *rawTerm) screen() string {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return rt.emu.String()
}

func (rt *rawTerm) rawOutput() string {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return rt.raw.String()
}

func (rt *rawTerm) send(s string) {
	rt.t.Helper()
	if _, err := rt.pty.WriteString(s); err != nil {
		rt.t.Fatal(err)
	}
}

func (rt *rawTerm) waitFor(want string) string {
	rt.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if s := rt.screen(); strings.Contains(s, want) {
			return s
		}
		time.Sleep(20 * time.Millisecond)
	}
	rt.t.Fatalf("screen never showed %q; it shows:\n%s", want, rt.screen())
	return ""
}

func (rt *rawTerm) resize(w, h int) {
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
func (rt *rawTerm) waitExit(what string) int {
	rt.t.Helper()
	select {
	case <-rt.exited:
	case <-time.After(5 * time.Second):
		rt.t.Fatalf("%s: the program did not exit within 5 s; screen:\n%s", what, rt.screen())
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
func (rt *rawTerm) checkRestored(what string) {
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

func tail(s string) string {
	if len(s) > 300 {
		return s[len(s)-300:]
	}
	return s
}

// toScreen brings a fresh demo to one of the screens.
func toScreen(t *testing.T, rt *rawTerm, screen string) {
	t.Helper()
	s := rt.waitFor("7. Configure Edge Agent")
	switch screen {
	case "menu":
	case "prompt":
		rt.send("7")
		rt.waitFor("Enter cloud URL")
	case "registration":
		url := demoURL.FindStringSubmatch(s)
		if url == nil {
			t.Fatalf("no demo URL on screen:\n%s", s)
		}
		rt.send("7")
		rt.waitFor("Enter cloud URL")
		rt.send(url[1] + "\r")
		rt.waitFor("Enter tenant user")
		rt.send("\r")
		rt.waitFor("Proceed? [y/N]")
		rt.send("y")
		rt.waitFor("Not accepted yet")
	}
}

func TestSignalsOnEveryScreenRestoreTheTerminal(t *testing.T) {
	signals := []struct {
		name string
		send func(rt *rawTerm)
		code []int // accepted exit codes
	}{
		{"SIGTERM", func(rt *rawTerm) { _ = rt.cmd.Process.Signal(syscall.SIGTERM) }, []int{exitCanceled}},
		{"SIGHUP", func(rt *rawTerm) { _ = rt.cmd.Process.Signal(syscall.SIGHUP) }, []int{exitCanceled}},
		{"Ctrl+C", func(rt *rawTerm) { rt.send("\x03") }, []int{exitOK}},
	}
	for _, screen := range []string{"menu", "prompt", "registration"} {
		for _, sig := range signals {
			t.Run(screen+"/"+sig.name, func(t *testing.T) {
				rt := startRaw(t, 80, 24, "--demo")
				toScreen(t, rt, screen)
				sig.send(rt)
				code := rt.waitExit(sig.name + " on the " + screen)
				ok := false
				for _, c := range sig.code {
					ok = ok || c == code
				}
				if !ok {
					t.Errorf("exit code %d after %s on the %s, want one of %v", code, sig.name, screen, sig.code)
				}
				rt.checkRestored(sig.name + " on the " + screen)
			})
		}
	}
}

func TestTinyTerminal(t *testing.T) {
	rt := startRaw(t, 20, 5, "--demo")
	deadline := time.Now().Add(15 * time.Second)
	for strings.TrimSpace(rt.screen()) == "" {
		if time.Now().After(deadline) {
			t.Fatal("nothing drawn on a 20x5 terminal")
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	menu := rt.screen()
	rt.send("7") // keys still work: the prompt replaces the menu
	deadline = time.Now().Add(15 * time.Second)
	for rt.screen() == menu {
		if time.Now().After(deadline) {
			t.Fatalf("pressing 7 changed nothing on a 20x5 terminal:\n%s", menu)
		}
		time.Sleep(20 * time.Millisecond)
	}
	rt.send("\x1b") // back to the menu
	time.Sleep(300 * time.Millisecond)
	rt.resize(80, 24) // and it still works when the window grows
	rt.waitFor("7. Configure Edge Agent")
	rt.send("\x03")
	if code := rt.waitExit("Ctrl+C on a 20x5 terminal"); code != exitOK {
		t.Errorf("exit code %d", code)
	}
	rt.checkRestored("20x5")
}

func TestResizeStorm(t *testing.T) {
	rt := startRaw(t, 80, 24, "--demo")
	rt.waitFor("7. Configure Edge Agent")
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200; i++ {
		rt.resize(1+rng.IntN(200), 1+rng.IntN(60))
		switch i % 40 { // keys in the middle of the storm
		case 0:
			rt.send("7")
		case 20:
			rt.send("\x1b")
		}
	}
	rt.resize(80, 24)
	// A lone ESC (not followed at once by another key, which would read as
	// Alt+key) goes back to the menu from wherever the storm left it.
	time.Sleep(200 * time.Millisecond)
	rt.send("\x1b")
	time.Sleep(200 * time.Millisecond)
	select {
	case <-rt.exited:
		t.Fatalf("the program ended during the storm: %v", rt.err)
	default:
	}
	rt.waitFor("7. Configure Edge Agent")
	rt.send("7")
	rt.waitFor("Enter cloud URL")
	_ = rt.cmd.Process.Signal(syscall.SIGTERM)
	rt.waitExit("SIGTERM after a resize storm")
	rt.checkRestored("resize storm")
}
