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

	"github.com/edge-setup/edge-setup/internal/demo"
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

var demoURL = regexp.MustCompile(`tenant (http://127\.0\.0\.1:\d+)`)

func TestE2ERegisterAgainstTheDemoTenant(t *testing.T) {
	tm := startPTY(t, 100, 30, nil, "--demo")
	s := tm.waitFor("7. Configure Edge Agent")
	m := demoURL.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no demo tenant URL on screen:\n%s", s)
	}
	tm.send("7")
	tm.waitFor("Enter cloud URL (leave blank to disable remote management)")
	tm.send(m[1] + "\r")
	s = tm.registerWithDemoUser()
	for _, l := range strings.Split(s, "\n") {
		// The demo banner shows the demo password on purpose; nothing else may.
		if strings.Contains(l, demo.Password) && !strings.HasPrefix(l, "DEMO") {
			t.Errorf("password on screen: %q", l)
		}
	}
	tm.send("\x03") // Ctrl+C
	if code := tm.waitExit("Ctrl+C"); code != exitCanceled {
		t.Errorf("exit code after Ctrl+C: %d", code)
	}
}

func TestE2ECtrlCWhilePolling(t *testing.T) {
	tm := startPTY(t, 80, 24, nil, "--demo")
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
	if code := tm.waitExit("Ctrl+C while polling"); code != exitCanceled {
		t.Errorf("exit code after Ctrl+C while polling: %d", code)
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
	s := waitOut("Enter option [1-9")
	url := demoURL.FindStringSubmatch(s)[1]
	io.WriteString(stdin, "7\n"+url+"\n"+demo.User+"\n"+demo.Password+"\ny\ny\ny\n")
	s = waitOut("Connected to tenant " + demo.TenantID)
	for _, want := range []string{"Not registered in the tenant", "registration request created", "Pending acceptance", "acceptance sent from this console", "Accepted"} {
		if !strings.Contains(s, want) {
			t.Errorf("plain registration lacks %q:\n%s", want, s)
		}
	}
	// The demo banner prints its password on purpose; after the prompt it must not appear.
	if _, after, _ := strings.Cut(s, "Enter password of tenant user"); strings.Contains(after, demo.Password) {
		t.Error("the tenant password was echoed")
	}
	if strings.Contains(s, "\x1b") {
		t.Error("escape codes in plain mode")
	}
	io.WriteString(stdin, "9\n")
	waitOut("Bye.")
}
