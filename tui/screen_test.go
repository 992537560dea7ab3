package tui

import (
	"bytes"
	"strings"
	"testing"
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
