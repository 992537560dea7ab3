package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"
)

// term is a program running in a pseudo-terminal whose output feeds a
// terminal emulator (as cmd/edge-setup/e2e_test.go does). Every change of
// the emulated screen is timestamped as the output arrives, so waiting for
// a text reports when it appeared, not when someone looked.
type term struct {
	cmd  *exec.Cmd
	pty  *os.File
	emu  *vt.Emulator
	done chan struct{} // output ended

	mu       sync.Mutex
	screen   string
	changes  int
	watchers []*watcher
}

type watcher struct {
	want  []string // all of them on screen; none: any change
	after int      // only changes after this one
	hit   chan time.Time
}

// startTerm starts the program; started is the moment just before.
func startTerm(w, h int, env []string, bin string, args ...string) (tm *term, started time.Time, err error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), append([]string{"TERM=xterm-256color"}, env...)...)
	tm = &term{cmd: cmd, emu: vt.NewEmulator(w, h), done: make(chan struct{})}
	started = time.Now()
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(w), Rows: uint16(h)})
	if err != nil {
		tm.emu.Close()
		return nil, started, err
	}
	tm.pty = f
	go tm.readOutput()
	go tm.answerQueries()
	return tm, started, nil
}

func (tm *term) readOutput() {
	defer close(tm.done)
	buf := make([]byte, 64*1024)
	for {
		n, err := tm.pty.Read(buf)
		if n > 0 {
			now := time.Now()
			tm.mu.Lock()
			tm.emu.Write(buf[:n])
			if s := tm.emu.String(); s != tm.screen {
				tm.screen = s
				tm.changes++
				tm.notify(now)
			}
			tm.mu.Unlock()
		}
		if err != nil {
			return
		}
	}
}

// notify fires the watchers the current screen satisfies; tm.mu is held.
func (tm *term) notify(at time.Time) {
	keep := tm.watchers[:0]
	for _, w := range tm.watchers {
		if tm.satisfies(w) {
			w.hit <- at
			continue
		}
		keep = append(keep, w)
	}
	tm.watchers = keep
}

func (tm *term) satisfies(w *watcher) bool {
	if tm.changes <= w.after {
		return false
	}
	for _, s := range w.want {
		if !strings.Contains(tm.screen, s) {
			return false
		}
	}
	return true
}

// answerQueries sends the emulator's answers to terminal queries back to
// the program.
func (tm *term) answerQueries() {
	buf := make([]byte, 1024)
	for {
		n, err := tm.emu.Read(buf)
		if n > 0 {
			tm.pty.Write(buf[:n])
		}
		if err != nil {
			return
		}
	}
}

// expect registers interest in the next screen that shows all of want (any
// change when want is empty), seen after the screen as it is now. Register
// before acting, then wait.
func (tm *term) expect(want ...string) *watcher {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	w := &watcher{want: want, after: tm.changes, hit: make(chan time.Time, 1)}
	if len(want) > 0 {
		w.after = -1 // the screen as it is now counts too
		if tm.satisfies(w) {
			w.hit <- time.Now()
			return w
		}
	}
	tm.watchers = append(tm.watchers, w)
	return w
}

var errTimeout = errors.New("timed out")

// wait returns when the watcher fired.
func (tm *term) wait(w *watcher, timeout time.Duration) (time.Time, error) {
	select {
	case at := <-w.hit:
		return at, nil
	case <-tm.done:
		select {
		case at := <-w.hit:
			return at, nil
		default:
		}
		return time.Time{}, fmt.Errorf("the program ended before the screen showed %q; it shows:\n%s", w.want, tm.Screen())
	case <-time.After(timeout):
		return time.Time{}, fmt.Errorf("%w after %v waiting for %q; the screen shows:\n%s", errTimeout, timeout, w.want, tm.Screen())
	}
}

// waitFor waits for a screen showing all of want.
func (tm *term) waitFor(timeout time.Duration, want ...string) (time.Time, error) {
	return tm.wait(tm.expect(want...), timeout)
}

// Screen is the emulated screen as text.
func (tm *term) Screen() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.screen
}

// Changes counts the screen changes so far.
func (tm *term) Changes() int {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.changes
}

func (tm *term) send(s string) error {
	_, err := tm.pty.WriteString(s)
	return err
}

// stop ends the program: Ctrl+C first, then a kill of this one process.
func (tm *term) stop() {
	tm.send("\x03")
	exited := make(chan struct{})
	go func() { tm.cmd.Wait(); close(exited) }()
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		tm.cmd.Process.Kill()
		<-exited
	}
	tm.pty.Close()
	tm.emu.Close()
}
