// Package safetext makes text from outside (the tenant's answers, files, the
// keyboard) safe to show on a terminal or write to a log: control characters,
// escape sequences, bidirectional overrides and invalid UTF-8 are replaced by
// visible escapes (ESC becomes `\x1b`), so a hostile tenant ID or file cannot
// retitle the window, clear the screen or colour the output.
//
// Every front end and log passes outside text through Line or Text (or writes
// through a Writer) before it is displayed; the escapes are readable, so an
// operator still sees that something odd was there.
package safetext

import (
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Line makes s safe as one line: every control character, line breaks and
// tabs included, is escaped.
func Line(s string) string { return clean(s, false) }

// Text makes s safe as a block of text: line breaks and tabs are kept,
// every other control character is escaped.
func Text(s string) string { return clean(s, true) }

// Safe reports whether s needs no escaping as one line.
func Safe(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || needsEscape(r, false) {
			return false
		}
	}
	return true
}

func clean(s string, multiline bool) string {
	if fast(s, multiline) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case needsEscape(r, multiline):
			b.WriteString(escape(r))
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func fast(s string, multiline bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return false // decode properly
		}
		if c < 0x20 || c == 0x7f {
			if multiline && (c == '\n' || c == '\t') {
				continue
			}
			return false
		}
	}
	return true
}

// needsEscape: C0 and C1 controls, DEL, and the format characters that
// reorder or hide text (bidi overrides and isolates, zero-width marks).
func needsEscape(r rune, multiline bool) bool {
	if multiline && (r == '\n' || r == '\t') {
		return false
	}
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	case r == 0xfeff, r == 0x200b:
		return true
	}
	return unicode.Is(unicode.Cc, r)
}

func escape(r rune) string {
	switch r {
	case '\n':
		return `\n`
	case '\r':
		return `\r`
	case '\t':
		return `\t`
	}
	if r < 0x100 {
		return fmt.Sprintf(`\x%02x`, r)
	}
	return fmt.Sprintf(`\u%04x`, r)
}

// Writer returns a writer that passes everything written to it through
// Text before it reaches w: for plain-mode output and command lines, which
// by design never print an escape code of their own. A multi-byte character
// split across two writes is kept whole.
func Writer(w io.Writer) io.Writer { return &writer{w: w} }

type writer struct {
	w       io.Writer
	pending []byte // an incomplete UTF-8 sequence at the end of the last write
}

func (sw *writer) Write(p []byte) (int, error) {
	data := append(sw.pending, p...)
	sw.pending = nil
	cut := len(data)
	// keep a trailing incomplete (but possibly valid) sequence for the next write
	for i := len(data) - 1; i >= 0 && i >= len(data)-utf8.UTFMax; i-- {
		if utf8.RuneStart(data[i]) {
			if !utf8.FullRune(data[i:]) {
				cut = i
			}
			break
		}
	}
	sw.pending = append([]byte(nil), data[cut:]...)
	if _, err := io.WriteString(sw.w, Text(string(data[:cut]))); err != nil {
		return 0, err
	}
	return len(p), nil
}
