package plain

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
)

func newUI(t *testing.T, in io.Reader) (*UI, *bytes.Buffer) {
	root := t.TempDir()
	var out bytes.Buffer
	return New(Options{Env: &steps.Env{Root: root, Props: edgeprops.New(root)}, In: in, Out: &out}), &out
}

// A 20,000-character line is refused (never held whole) and asked again.
func TestLongLineIsRefusedAndAskedAgain(t *testing.T) {
	u, out := newUI(t, strings.NewReader(strings.Repeat("x", 20000)+"\nshort\n"))
	got, err := u.readLine("? ")
	if err != nil || got != "short" {
		t.Fatalf("readLine = %q, %v", got, err)
	}
	if !strings.Contains(out.String(), "longer than 1024 characters") {
		t.Errorf("output: %q", out.String())
	}
}

// zeros is /dev/zero: endless input without a line end.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// /dev/zero piped into plain mode ends the input with a message instead of
// reading for ever.
func TestEndlessInputWithoutLineEndsStops(t *testing.T) {
	u, out := newUI(t, zeros{})
	if _, err := u.readLine("? "); err != ErrInputEnded {
		t.Fatalf("readLine: %v, want ErrInputEnded", err)
	}
	if !strings.Contains(out.String(), "no line end") {
		t.Errorf("output: %q", out.String())
	}
}

// Plain mode's output passes the sanitiser: a hostile text from a file or
// the tenant cannot send escape codes.
func TestPlainOutputIsMadeSafe(t *testing.T) {
	u, out := newUI(t, strings.NewReader("9\n"))
	u.banner = []string{"tenant \x1b]0;pwned\x07\x1b[2J"}
	if err := u.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(out.String(), "\x1b\x07") || !strings.Contains(out.String(), `\x1b]0;pwned`) {
		t.Errorf("output: %q", out.String())
	}
}
