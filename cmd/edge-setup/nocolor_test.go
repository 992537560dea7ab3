package main

import (
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	"github.com/creack/pty"
)

// colourTerm runs the binary in a pseudo-terminal and keeps every byte it
// writes, while an emulator keeps the screen and answers terminal queries.
type colourTerm struct {
	t    *testing.T
	cmd  *exec.Cmd
	pty  *os.File
	mu   sync.Mutex
	raw  bytes.Buffer
	emu  *vt.Emulator
	done chan struct{}
}

func startColourTerm(t *testing.T, w, h int, env []string, args ...string) *colourTerm {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	var base []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NO_COLOR=") { // the test decides
			base = append(base, kv)
		}
	}
	cmd.Env = append(base, append([]string{"TERM=xterm-256color", "COLORTERM=truecolor", "TMPDIR=" + t.TempDir()}, env...)...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(w), Rows: uint16(h)})
	if err != nil {
		t.Fatal(err)
	}
	rt := &colourTerm{t: t, cmd: cmd, pty: f, emu: vt.NewEmulator(w, h), done: make(chan struct{})}
	go func() {
		defer close(rt.done)
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
	go func() {
		// The emulator's answers to terminal queries go back to the
		// program; its Write blocks until they are read. The emulator is
		// never closed: Close races with a blocked Read in this vt version,
		// so this goroutine stays parked until the test binary exits.
		buf := make([]byte, 1024)
		for {
			n, err := rt.emu.Read(buf)
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
	})
	return rt
}

func (rt *colourTerm) waitFor(want string) {
	rt.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		rt.mu.Lock()
		s := rt.emu.String()
		rt.mu.Unlock()
		if strings.Contains(s, want) {
			return
		}
		time.Sleep(30 * time.Millisecond)
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	rt.t.Fatalf("screen never showed %q; it shows:\n%s", want, rt.emu.String())
}

func (rt *colourTerm) send(s string) {
	rt.t.Helper()
	if _, err := rt.pty.WriteString(s); err != nil {
		rt.t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
}

// output stops the program and returns everything it wrote.
func (rt *colourTerm) output() []byte {
	rt.send("\x03")
	select {
	case <-rt.done:
	case <-time.After(10 * time.Second):
		rt.cmd.Process.Kill()
		<-rt.done
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return bytes.Clone(rt.raw.Bytes())
}

var sgrSeq = regexp.MustCompile(`\x1b\[([0-9;:]*)m`)

// colourSGRs lists the SGR sequences that set a foreground or background
// colour (30-38, 40-48, 90-97, 100-107); resets (0, 39, 49) and
// attributes such as bold and faint are fine without colour.
func colourSGRs(out []byte) []string {
	var found []string
	for _, m := range sgrSeq.FindAllSubmatch(out, -1) {
		for _, p := range strings.FieldsFunc(string(m[1]), func(r rune) bool { return r == ';' || r == ':' }) {
			n, err := strconv.Atoi(p)
			if err != nil {
				continue
			}
			if (n >= 30 && n <= 38) || (n >= 40 && n <= 48) || (n >= 90 && n <= 97) || (n >= 100 && n <= 107) {
				found = append(found, strconv.Quote(string(m[0])))
				break
			}
			if n == 38 || n == 48 {
				break
			}
		}
	}
	return found
}

// drive opens the menu, the diagnosis (with a failure: no tenant is
// configured in the demo) and the help overlay: every style in use.
func driveColours(t *testing.T, env ...string) []byte {
	rt := startColourTerm(t, 100, 30, env, "--demo")
	rt.waitFor("D. Diagnose the connection to the tenant")
	rt.send("d")
	rt.waitFor("Tenant URL failed")
	rt.send("?")
	rt.waitFor("run again")
	rt.send("?")
	rt.send("\r")
	rt.waitFor("Choose an option")
	return rt.output()
}

func TestNoColorLeavesNoColourSequences(t *testing.T) {
	coloured := colourSGRs(driveColours(t))
	if len(coloured) == 0 {
		t.Fatal("without NO_COLOR the screens have no colour: this test would prove nothing")
	}
	out := driveColours(t, "NO_COLOR=1")
	t.Logf("%d colour sequences without NO_COLOR (e.g. %s), %d SGR sequences with it", len(coloured), coloured[0], len(sgrSeq.FindAll(out, -1)))
	if got := colourSGRs(out); len(got) > 0 {
		t.Errorf("NO_COLOR=1: %d colour sequences, e.g. %s", len(got), strings.Join(got[:min(5, len(got))], " "))
	}
	if !bytes.Contains(out, []byte("Diagnose the connection")) {
		t.Error("the run showed nothing")
	}
}
