package tui

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// The screen rewrites only the lines that changed, erasing each before it
// is written (with autowrap off, erasing after a full line would cut its
// last cell), and nothing at all for an unchanged frame.
func TestScreenDrawsOnlyChangedLines(t *testing.T) {
	var out bytes.Buffer
	s := &Screen{w: &out, width: 20, height: 4}
	s.Draw("a\nb\nc\nd")
	if got := strings.Count(out.String(), "\x1b[2K"); got != 4 {
		t.Fatalf("first frame wrote %d lines: %q", got, out.String())
	}
	out.Reset()
	s.Draw("a\nB\nc\nd")
	if got := out.String(); strings.Count(got, "\x1b[2K") != 1 || !strings.Contains(got, "\x1b[2;1H\x1b[0m\x1b[2KB") {
		t.Fatalf("one changed line: %q", got)
	}
	out.Reset()
	s.Draw("a\nB\nc\nd")
	if out.Len() != 0 {
		t.Fatalf("an unchanged frame wrote %q", out.String())
	}
	s.Draw("a\nB\nc\nd\ne\nf") // taller than the window: cut, never scrolled
	if strings.Contains(out.String(), "\x1b[5;1H") {
		t.Fatalf("wrote below the window: %q", out.String())
	}
}

// stalledTerm takes its first write only when released, then writes to buf.
type stalledTerm struct {
	entered, release chan struct{}
	buf              bytes.Buffer
	first            bool
}

func (w *stalledTerm) Write(p []byte) (int, error) {
	if !w.first {
		w.first = true
		close(w.entered)
		<-w.release
		return len(p), nil
	}
	return w.buf.Write(p)
}

// A terminal that takes no output does not hold up the model: Draw (and a
// resize) return at once, and once the terminal moves only the newest
// frame is written, on a cleared screen.
func TestScreenNeverWaitsForTheTerminal(t *testing.T) {
	term := &stalledTerm{entered: make(chan struct{}), release: make(chan struct{})}
	s := &Screen{w: term, width: 20, height: 2}
	s.startWriter()
	s.Draw("first\nx")
	<-term.entered // the writer is stuck in the terminal
	done := make(chan struct{})
	go func() {
		for i := range 100 {
			s.Draw("frame " + itoa(i) + "\nx")
		}
		s.resize(30, 2)
		s.Draw("last\nx")
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Draw waited for a stalled terminal")
	}
	close(term.release)
	close(s.wake) // the writer drains what is due, then ends
	<-s.done
	got := term.buf.String()
	if strings.Contains(got, "frame ") || !strings.Contains(got, "last") || !strings.HasPrefix(got, seqSync+"\x1b[2J") {
		t.Errorf("after the stall: %q", got)
	}
}
