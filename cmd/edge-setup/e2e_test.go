package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"
)

// The end-to-end tests build the real binary and drive it in a
// pseudo-terminal (or through pipes for plain mode) against its built-in
// demo tenant, reading the screen through a terminal emulator.

var binPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "edge-setup-e2e-")
	if err != nil {
		panic(err)
	}
	binPath = filepath.Join(dir, "edge-setup")
	build := exec.Command("go", "build", "-o", binPath, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("building edge-setup: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// term is the binary running in a pseudo-terminal with an emulated screen.
type ptyTerm struct {
	t    *testing.T
	cmd  *exec.Cmd
	pty  *os.File
	mu   sync.Mutex
	emu  *vt.Emulator
	done chan struct{}
}

func startTerm(t *testing.T, w, h int, env []string, args ...string) *ptyTerm {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Env = append(os.Environ(), append([]string{"TERM=xterm-256color", "TMPDIR=" + t.TempDir()}, env...)...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(w), Rows: uint16(h)})
	if err != nil {
		t.Fatal(err)
	}
	tm := &ptyTerm{t: t, cmd: cmd, pty: f, emu: vt.NewEmulator(w, h), done: make(chan struct{})}
	go func() { // program output -> emulator
		defer close(tm.done)
		buf := make([]byte, 32*1024)
		for {
			n, err := f.Read(buf)
			if n > 0 {
				tm.mu.Lock()
				tm.emu.Write(buf[:n])
				tm.mu.Unlock()
			}
			if err != nil {
				return
			}
		}
	}()
	answers := tm.emu.InputPipe().(io.Closer)
	go func() { // emulator answers to terminal queries -> program
		buf := make([]byte, 1024)
		for {
			n, err := tm.emu.Read(buf)
			if n > 0 {
				f.Write(buf[:n])
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		f.Close()
		<-tm.done
		answers.Close() // ends the answer goroutine; Emulator.Close would race with its Read
	})
	return tm
}

func (tm *ptyTerm) screen() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.emu.String()
}

func (tm *ptyTerm) send(s string) {
	tm.t.Helper()
	if _, err := tm.pty.WriteString(s); err != nil {
		tm.t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
}

func (tm *ptyTerm) waitFor(want string) string {
	tm.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if s := tm.screen(); strings.Contains(s, want) {
			return s
		}
		time.Sleep(30 * time.Millisecond)
	}
	tm.t.Fatalf("screen never showed %q; it shows:\n%s", want, tm.screen())
	return ""
}

func (tm *ptyTerm) waitExit() error {
	tm.t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- tm.cmd.Wait() }()
	select {
	case err := <-errc:
		return err
	case <-time.After(10 * time.Second):
		tm.t.Fatal("the program did not exit")
		return nil
	}
}

var demoURL = regexp.MustCompile(`tenant (http://127\.0\.0\.1:\d+)`)

func TestE2ERegisterAgainstTheDemoTenant(t *testing.T) {
	tm := startTerm(t, 100, 30, nil, "--demo")
	s := tm.waitFor("7. Configure Edge Agent")
	m := demoURL.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no demo tenant URL on screen:\n%s", s)
	}
	tm.send("7")
	tm.waitFor("Enter cloud URL (leave blank to disable remote management)")
	tm.send(m[1] + "\r")
	tm.waitFor("Enter tenant user")
	tm.send(demoUser + "\r")
	tm.waitFor("Enter password of tenant user")
	tm.send(demoPassword + "\r")
	tm.waitFor("Proceed? [y/N]")
	tm.send("y")
	tm.waitFor("Not registered in the tenant")
	tm.send("c")
	tm.waitFor("Pending acceptance")
	tm.send("a")
	s = tm.waitFor("Connected to tenant " + demoTenantID)
	for _, l := range strings.Split(s, "\n") {
		// The demo banner shows the demo password on purpose; nothing else may.
		if strings.Contains(l, demoPassword) && !strings.HasPrefix(l, "DEMO") {
			t.Errorf("password on screen: %q", l)
		}
	}
	tm.send("\x03") // Ctrl+C
	if err := tm.waitExit(); err != nil {
		t.Errorf("exit after Ctrl+C: %v", err)
	}
}

func TestE2ECtrlCWhilePolling(t *testing.T) {
	tm := startTerm(t, 80, 24, nil, "--demo")
	s := tm.waitFor("7. Configure Edge Agent")
	url := demoURL.FindStringSubmatch(s)[1]
	tm.send("7")
	tm.waitFor("Enter cloud URL")
	tm.send(url + "\r")
	tm.waitFor("Enter tenant user")
	tm.send("\r")
	tm.waitFor("Proceed? [y/N]")
	tm.send("y")
	tm.waitFor("Not accepted yet")
	tm.pty.Write([]byte{3})
	if err := tm.waitExit(); err != nil {
		t.Errorf("exit after Ctrl+C while polling: %v", err)
	}
}

func TestE2EPlainModeThroughAPipe(t *testing.T) {
	root := t.TempDir()
	// Exit right away: the menu must print without escape codes.
	cmd := exec.Command(binPath, "--root", root)
	cmd.Stdin = strings.NewReader("9\n")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if bytes.Contains(out.Bytes(), []byte("\x1b")) {
		t.Errorf("plain output has escape codes:\n%q", out.String())
	}
	if !strings.Contains(out.String(), "7. Configure Edge Agent") {
		t.Errorf("plain output lacks the menu:\n%s", out.String())
	}
}

func TestE2EPlainRegistrationWithPipedAnswers(t *testing.T) {
	cmd := exec.Command(binPath, "--demo", "--plain")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var out bytes.Buffer
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	cmd.Env = append(os.Environ(), "TMPDIR="+t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := pr.Read(buf)
			mu.Lock()
			out.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	waitOut := func(want string) string {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for time.Now().Before(deadline) {
			mu.Lock()
			s := out.String()
			mu.Unlock()
			if strings.Contains(s, want) {
				return s
			}
			time.Sleep(20 * time.Millisecond)
		}
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("output never showed %q:\n%s", want, out.String())
		return ""
	}
	s := waitOut("Enter option [1-9]")
	url := demoURL.FindStringSubmatch(s)[1]
	io.WriteString(stdin, "7\n"+url+"\n"+demoUser+"\n"+demoPassword+"\ny\ny\ny\n")
	s = waitOut("Connected to tenant " + demoTenantID)
	for _, want := range []string{"Not registered in the tenant", "registration request created", "Pending acceptance", "accepted from this console", "Accepted"} {
		if !strings.Contains(s, want) {
			t.Errorf("plain registration lacks %q:\n%s", want, s)
		}
	}
	// The demo banner prints its password on purpose; after the prompt it must not appear.
	if _, after, _ := strings.Cut(s, "Enter password of tenant user"); strings.Contains(after, demoPassword) {
		t.Error("the tenant password was echoed")
	}
	if strings.Contains(s, "\x1b") {
		t.Error("escape codes in plain mode")
	}
	io.WriteString(stdin, "9\n")
	waitOut("Bye.")
}
