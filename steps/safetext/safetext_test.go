package safetext

import (
	"bytes"
	"testing"
)

func TestLineEscapesWhatATerminalWouldObey(t *testing.T) {
	cases := map[string]string{
		"t12345":                      "t12345",
		"\x1b]0;pwned\x07":            `\x1b]0;pwned\x07`,
		"a\x1b[2Jb":                   `a\x1b[2Jb`,
		"line\nbreak\ttab\r":          `line\nbreak\ttab\r`,
		"c1 \u009b31m":                `c1 \x9b31m`,
		"bidi \u202eevil":             `bidi \u202eevil`,
		"bad utf8 \xff\xfe":           `bad utf8 \xff\xfe`,
		"del\x7f":                     `del\x7f`,
		"Grüße, 東京":                   "Grüße, 東京",
		"zero\u200bwidth \ufeff mark": `zero\u200bwidth \ufeff mark`,
	}
	for in, want := range cases {
		if got := Line(in); got != want {
			t.Errorf("Line(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTextKeepsLineBreaksAndTabs(t *testing.T) {
	if got, want := Text("a\nb\tc\x1b[31m"), "a\nb\tc\\x1b[31m"; got != want {
		t.Fatalf("Text = %q, want %q", got, want)
	}
}

func TestSafe(t *testing.T) {
	if !Safe("https://acme.cumulocity.com") || Safe("x\x1b") || Safe("\xff") {
		t.Fatal("Safe misjudges")
	}
}

func TestWriterKeepsSplitRunesAndEscapesControls(t *testing.T) {
	var out bytes.Buffer
	w := Writer(&out)
	in := []byte("ok ü \x1b[2J\n東")
	for i := range in { // one byte at a time: every rune is split
		if _, err := w.Write(in[i : i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := out.String(), "ok ü \\x1b[2J\n東"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
