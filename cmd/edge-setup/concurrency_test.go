package main

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Two edge-setup processes on the same root: one works, the other says who
// holds the lock and leaves with exit code 3, touching nothing.

// plainProc is the binary in plain mode with its stdin held open.
type plainProc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	mu     sync.Mutex
	stdout bytes.Buffer
	stderr bytes.Buffer
	done   chan struct{}
	err    error
}

type lockedBuffer struct {
	mu  *sync.Mutex
	buf *bytes.Buffer
}

func (b lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func startPlain(t *testing.T, root string, args ...string) *plainProc {
	t.Helper()
	p := &plainProc{done: make(chan struct{})}
	p.cmd = exec.Command(binPath, append([]string{"--root", root, "--plain"}, args...)...)
	p.cmd.Env = append(os.Environ(), "TMPDIR="+t.TempDir())
	p.cmd.Stdout = lockedBuffer{&p.mu, &p.stdout}
	p.cmd.Stderr = lockedBuffer{&p.mu, &p.stderr}
	var err error
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
	})
	return p
}

func (p *plainProc) output() (stdout, stderr string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stdout.String(), p.stderr.String()
}

func (p *plainProc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// exitCode waits (bounded) for the process and returns its exit code.
func (p *plainProc) exitCode(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		out, errOut := p.output()
		t.Fatalf("pid %d did not exit\nstdout:\n%s\nstderr:\n%s", p.cmd.Process.Pid, out, errOut)
	}
	var ee *exec.ExitError
	if p.err != nil && !errors.As(p.err, &ee) {
		t.Fatalf("pid %d: %v", p.cmd.Process.Pid, p.err)
	}
	return p.cmd.ProcessState.ExitCode()
}

func (p *plainProc) waitOutput(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if out, _ := p.output(); strings.Contains(out, want) {
			return
		}
		if p.exited() {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	out, errOut := p.output()
	t.Fatalf("pid %d never printed %q\nstdout:\n%s\nstderr:\n%s", p.cmd.Process.Pid, want, out, errOut)
}

// treeDigest is every path under root with its mode and content hash.
func treeDigest(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		fmt.Fprintf(&b, "%s %v", rel, fi.Mode())
		if fi.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, " %x", sha256.Sum256(data))
		}
		b.WriteByte('\n')
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func lockedMessage(pid int) string {
	return "another edge-setup is running (pid " + strconv.Itoa(pid) + ")"
}

// TestTwoCopiesStartedAtOnce starts two copies together, several times: one
// shows the menu, the other exits 3 naming the first's pid.
func TestTwoCopiesStartedAtOnce(t *testing.T) {
	root := t.TempDir()
	for round := 0; round < 3; round++ {
		a, b := startPlain(t, root), startPlain(t, root)
		var winner, loser *plainProc
		deadline := time.After(15 * time.Second)
		for winner == nil {
			select {
			case <-a.done:
				winner, loser = b, a
			case <-b.done:
				winner, loser = a, b
			case <-deadline:
				oa, _ := a.output()
				ob, _ := b.output()
				t.Fatalf("round %d: neither copy left\nA:\n%s\nB:\n%s", round, oa, ob)
			}
		}
		if code := loser.exitCode(t); code != exitLocked {
			out, errOut := loser.output()
			t.Fatalf("round %d: the second copy exited %d, want %d\nstdout:\n%s\nstderr:\n%s", round, code, exitLocked, out, errOut)
		}
		_, errOut := loser.output()
		if !strings.Contains(errOut, lockedMessage(winner.cmd.Process.Pid)) {
			t.Errorf("round %d: the second copy said %q, want %q", round, errOut, lockedMessage(winner.cmd.Process.Pid))
		}
		if out, _ := loser.output(); strings.Contains(out, "Enter option") {
			t.Errorf("round %d: the second copy showed the menu too:\n%s", round, out)
		}
		winner.waitOutput(t, "Enter option [1-9")
		io.WriteString(winner.stdin, "9\n")
		if code := winner.exitCode(t); code != exitOK {
			_, errOut := winner.output()
			t.Fatalf("round %d: the working copy exited %d: %s", round, code, errOut)
		}
	}
}

// TestSecondCopyLeavesWithoutTouchingAnything: while one copy sits in the
// menu, a second (menu or register command) exits 3 and changes no file;
// once the first leaves, the next one works.
func TestSecondCopyLeavesWithoutTouchingAnything(t *testing.T) {
	root := t.TempDir()
	first := startPlain(t, root)
	first.waitOutput(t, "Enter option [1-9")
	before := treeDigest(t, root)

	for _, args := range [][]string{nil, {"register"}} {
		second := startPlain(t, root, args...)
		// Answers the menu would act on if it got the lock.
		io.WriteString(second.stdin, "7\n\n")
		second.stdin.Close()
		if code := second.exitCode(t); code != exitLocked {
			out, errOut := second.output()
			t.Fatalf("%v: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", args, code, exitLocked, out, errOut)
		}
		if _, errOut := second.output(); !strings.Contains(errOut, lockedMessage(first.cmd.Process.Pid)) || !strings.Contains(errOut, "try again") {
			t.Errorf("%v: stderr %q, want %q and what to do", args, errOut, lockedMessage(first.cmd.Process.Pid))
		}
		if after := treeDigest(t, root); after != before {
			t.Errorf("%v: the second copy changed files:\nbefore:\n%s\nafter:\n%s", args, before, after)
		}
	}

	io.WriteString(first.stdin, "9\n")
	if code := first.exitCode(t); code != exitOK {
		t.Fatalf("first copy exit %d", code)
	}
	third := startPlain(t, root)
	third.waitOutput(t, "Enter option [1-9")
	io.WriteString(third.stdin, "9\n")
	if code := third.exitCode(t); code != exitOK {
		t.Fatalf("a copy started after the first left exited %d", code)
	}
}
