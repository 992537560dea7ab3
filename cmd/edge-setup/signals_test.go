package main

import (
	"math/rand/v2"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
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

func tail(s string) string {
	if len(s) > 300 {
		return s[len(s)-300:]
	}
	return s
}

// toScreen brings a fresh demo to one of the screens.
func toScreen(t *testing.T, rt *ptyTerm, screen string) {
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
		send func(rt *ptyTerm)
		code []int // accepted exit codes
	}{
		{"SIGTERM", func(rt *ptyTerm) { _ = rt.cmd.Process.Signal(syscall.SIGTERM) }, []int{exitCanceled}},
		{"SIGHUP", func(rt *ptyTerm) { _ = rt.cmd.Process.Signal(syscall.SIGHUP) }, []int{exitCanceled}},
		{"Ctrl+C", func(rt *ptyTerm) { rt.send("\x03") }, []int{exitCanceled}},
	}
	for _, screen := range []string{"menu", "prompt", "registration"} {
		for _, sig := range signals {
			t.Run(screen+"/"+sig.name, func(t *testing.T) {
				rt := startPTY(t, 80, 24, nil, "--demo")
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
	rt := startPTY(t, 20, 5, nil, "--demo")
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
	if code := rt.waitExit("Ctrl+C on a 20x5 terminal"); code != exitCanceled {
		t.Errorf("exit code %d", code)
	}
	rt.checkRestored("20x5")
}

func TestResizeStorm(t *testing.T) {
	rt := startPTY(t, 80, 24, nil, "--demo")
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

// Plain mode blocked reading a line ends by the forced exit, which runs no
// defers: the demo's sandbox root must go all the same (it was left in
// TMPDIR after Ctrl+C or a closed SSH session).
func TestPlainDemoInterruptedLeavesNoSandbox(t *testing.T) {
	for _, sig := range []struct {
		name string
		send func(rt *ptyTerm)
	}{
		{"SIGHUP", func(rt *ptyTerm) { _ = rt.cmd.Process.Signal(syscall.SIGHUP) }},
		{"Ctrl+C", func(rt *ptyTerm) { rt.send("\x03") }},
	} {
		t.Run(sig.name, func(t *testing.T) {
			tmp := t.TempDir()
			rt := startPTY(t, 80, 24, []string{"TMPDIR=" + tmp}, "--demo", "--plain")
			rt.waitFor("Enter option")
			if left, _ := filepath.Glob(filepath.Join(tmp, "edge-setup-demo-*")); len(left) != 1 {
				t.Fatalf("the demo's sandbox is not in TMPDIR: %v", left)
			}
			sig.send(rt)
			if code := rt.waitExit(sig.name + " in plain mode"); code != exitCanceled {
				t.Errorf("exit code %d, want %d", code, exitCanceled)
			}
			if left, _ := filepath.Glob(filepath.Join(tmp, "edge-setup-demo-*")); len(left) != 0 {
				t.Errorf("%s left the demo's sandbox: %v", sig.name, left)
			}
		})
	}
}
