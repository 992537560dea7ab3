package edgeprops

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// unescapeProp decodes a key or value as java.util.Properties does: \t \n \r
// \f, \uXXXX (UTF-16 surrogate pairs are joined), and a backslash before any
// other character stands for that character. Unlike Java, which rejects the
// whole file, a malformed \u escape decodes as the letter u. A lone surrogate
// decodes as U+FFFD. The bytes are UTF-8 when they are valid UTF-8, and
// ISO-8859-1 otherwise (what Java's Properties.load of a byte stream reads).
// The choice is made for each key and each value on its own, so that
// rewriting one never changes how another reads.
func unescapeProp(b []byte) string {
	if !hasSpecial(b) {
		return string(b)
	}
	latin1 := !utf8.Valid(b)
	var units []rune // runes, with \u escapes possibly surrogate halves
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == '\\' && i+1 < len(b):
			i++
			switch e := b[i]; e {
			case 't':
				units = append(units, '\t')
			case 'n':
				units = append(units, '\n')
			case 'r':
				units = append(units, '\r')
			case 'f':
				units = append(units, '\f')
			case 'u':
				if v, ok := hex4(b[i+1:]); ok {
					units = append(units, v)
					i += 4
				} else {
					units = append(units, 'u')
				}
			default:
				if e < utf8.RuneSelf || latin1 {
					units = append(units, rune(e))
				} else {
					r, size := utf8.DecodeRune(b[i:])
					units = append(units, r)
					i += size - 1
				}
			}
			i++
		case c >= utf8.RuneSelf && !latin1:
			r, size := utf8.DecodeRune(b[i:])
			units = append(units, r)
			i += size
		default:
			units = append(units, rune(c))
			i++
		}
	}
	var sb strings.Builder
	for i := 0; i < len(units); i++ {
		r := units[i]
		if utf16.IsSurrogate(r) {
			if i+1 < len(units) {
				if p := utf16.DecodeRune(r, units[i+1]); p != utf8.RuneError {
					sb.WriteRune(p)
					i++
					continue
				}
			}
			r = utf8.RuneError
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

func hasSpecial(b []byte) bool {
	for _, c := range b {
		if c == '\\' || c >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var v rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}

// escapeKey encodes a key for writing: like Java's Properties.store, blanks,
// '=', ':', '#', '!' and backslashes are escaped, control and non-ASCII
// characters become \uXXXX (so the file is plain ASCII and reads the same as
// ISO-8859-1 or UTF-8).
func escapeKey(s string) string { return escapeProp(s, true) }

// escapeValue encodes a value for writing. It escapes only what has to be
// escaped so that URLs and paths stay readable (c8y.url=https://host):
// backslashes, control and non-ASCII characters, and a leading blank, '='
// or ':' that the reader would otherwise drop.
func escapeValue(s string) string { return escapeProp(s, false) }

func escapeProp(s string, key bool) string {
	var sb strings.Builder
	sb.Grow(len(s))
	for i, r := range s {
		switch r {
		case '\\':
			sb.WriteString(`\\`)
		case '\t':
			sb.WriteString(`\t`)
		case '\n':
			sb.WriteString(`\n`)
		case '\r':
			sb.WriteString(`\r`)
		case '\f':
			sb.WriteString(`\f`)
		case ' ', '=', ':':
			if key || i == 0 {
				sb.WriteByte('\\')
			}
			sb.WriteRune(r)
		case '#', '!':
			if key {
				sb.WriteByte('\\')
			}
			sb.WriteRune(r)
		default:
			if r >= 0x20 && r < 0x7f {
				sb.WriteRune(r)
				continue
			}
			if r > 0xFFFF {
				hi, lo := utf16.EncodeRune(r)
				writeU(&sb, hi)
				writeU(&sb, lo)
				continue
			}
			writeU(&sb, r)
		}
	}
	return sb.String()
}

func writeU(sb *strings.Builder, r rune) {
	const digits = "0123456789ABCDEF"
	sb.WriteString(`\u`)
	sb.WriteByte(digits[r>>12&0xF])
	sb.WriteByte(digits[r>>8&0xF])
	sb.WriteByte(digits[r>>4&0xF])
	sb.WriteByte(digits[r&0xF])
}

// validUTF8 replaces every byte that is not part of valid UTF-8 with U+FFFD,
// exactly as ranging over the string (and so escapeProp) sees it.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var sb strings.Builder
	for _, r := range s {
		sb.WriteRune(r)
	}
	return sb.String()
}
