package main

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Ctrl+C at plain mode's password prompt (echo off) leaves the terminal
// with echo on: on a serial console the operator would type blind. With
// TERM=dumb too (plain mode without --plain).
func TestPlainModeRestoresEchoAfterCtrlCAtASecret(t *testing.T) {
	for name, env := range map[string][]string{"--plain": nil, "TERM=dumb": {"TERM=dumb"}} {
		t.Run(name, func(t *testing.T) {
			args := []string{"--root", t.TempDir()}
			if env == nil {
				args = append(args, "--plain")
			}
			rt := startPTY(t, 80, 24, env, args...)
			rt.waitFor("Enter option")
			rt.send("2\r")
			rt.waitFor("take input from console")
			rt.send("C\r")
			rt.waitFor("Enter tenant admin username")
			rt.send("admin\r")
			rt.waitFor("Enter tenant admin password")
			// The prompt is printed just before echo goes off.
			for deadline := time.Now().Add(10 * time.Second); echoOn(t, rt); time.Sleep(10 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatal("echo stays on at the password prompt: the test does not test anything")
				}
			}
			rt.send("\x03")
			if code := rt.waitExit("Ctrl+C"); code != exitCanceled {
				t.Errorf("exit %d, want %d", code, exitCanceled)
			}
			if !echoOn(t, rt) {
				t.Fatal("the terminal was left without echo")
			}
		})
	}
}

func echoOn(t *testing.T, rt *ptyTerm) bool {
	t.Helper()
	tio, err := unix.IoctlGetTermios(int(rt.pty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	return tio.Lflag&unix.ECHO != 0
}

// Piped answers that end in the middle of an option fail (exit 1, with the
// reason on stderr); answers that end at the menu, or choose Exit, do not.
func TestPlainModeInputEndingInAnOptionFails(t *testing.T) {
	for input, want := range map[string]int{"2\nC\nadmin\n": exitFailed, "9\n": exitOK, "": exitOK} {
		cmd := exec.Command(binPath, "--root", t.TempDir())
		cmd.Stdin = strings.NewReader(input)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		_ = cmd.Run()
		if got := cmd.ProcessState.ExitCode(); got != want {
			t.Errorf("input %q: exit %d, want %d (stderr %q)", input, got, want, stderr.String())
		}
		if want == exitFailed && !strings.Contains(stderr.String(), "input ended in the middle of an option") {
			t.Errorf("input %q: stderr %q", input, stderr.String())
		}
	}
}

// --help and help are answers, not errors: stdout, exit 0, every command
// listed once in one aligned column; a command's help says what it does
// and lists only the flags that mean something to it.
func TestHelpGoesToStdoutAndIsAligned(t *testing.T) {
	code, stdout, stderr := runCmd(t, "--help")
	if code != exitOK || stderr != "" || !strings.Contains(stdout, "Commands:") {
		t.Fatalf("--help: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if strings.Contains(stdout, "databroker databroker") {
		t.Errorf("the name is repeated:\n%s", stdout)
	}
	col := -1
	for _, l := range strings.Split(stdout[strings.Index(stdout, "Commands:"):strings.Index(stdout, "Flags:")], "\n")[1:] {
		if f := strings.Fields(l); len(f) > 1 {
			c := len(l) - len(strings.TrimLeft(strings.TrimPrefix(l, "  "+f[0]), " "))
			if col >= 0 && c != col {
				t.Errorf("misaligned row %q", l)
			}
			col = c
		}
	}
	if code, help, _ := runCmd(t, "help"); code != exitOK || help != stdout {
		t.Errorf("help: exit %d, differs from --help", code)
	}
	code, stdout, _ = runCmd(t, "databroker", "--help")
	if code != exitOK || !strings.Contains(stdout, "the Data Broker connectors") {
		t.Errorf("databroker --help: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = runCmd(t, "help", "status")
	if code != exitOK || !strings.Contains(stdout, "show the device ID") || strings.Contains(stdout, "--plain") || !strings.Contains(stdout, "--json") {
		t.Errorf("help status: exit %d\n%s", code, stdout)
	}
}

// --tea-renderer draws the menu with Bubble Tea's own renderer (the way
// back if tui.Screen misdraws on some terminal) and leaves cleanly.
func TestTeaRendererFallback(t *testing.T) {
	rt := startPTY(t, 80, 24, nil, "--root", t.TempDir(), "--tea-renderer")
	rt.waitFor("Choose an option")
	rt.send("q")
	if code := rt.waitExit("q"); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	rt.checkRestored("--tea-renderer")
}
