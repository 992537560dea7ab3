package edgeprops

import (
	"bytes"
	"errors"
	"strings"
)

// ErrNotText is returned by ParseProperties for data with NUL bytes: no
// editor or Java program writes them into a properties file, and a file left
// zero-filled by a power loss looks like this.
var ErrNotText = errors.New("it contains NUL bytes, so it is not a text properties file (a file damaged by a power loss looks like this)")

const utf8BOM = "\xEF\xBB\xBF"

// Properties is a Java .properties document that round-trips: comments (#
// and !), blank lines, order, unknown keys, separators (=, : or blanks),
// escapes, line continuations and line terminators are kept exactly, so
// Bytes of an unchanged document is byte-identical to what was parsed, and a
// change touches only the lines of the key changed.
//
// Keys and values are read as java.util.Properties.load reads them. Set
// writes them escaped so that they read back the same (see escapeValue); what
// it writes is plain ASCII. Strings are UTF-8: invalid bytes given to Set or
// Delete are replaced by U+FFFD.
//
// A Properties is not safe for concurrent use.
type Properties struct {
	bom   string // a UTF-8 byte order mark, kept but not part of the first key
	items []item
	nl    string // terminator for new lines: the document's first one, else "\n"
}

// ParseProperties parses a .properties document. It accepts anything Java
// accepts, and more: a malformed \u escape reads as the letter u (Java
// rejects the file). Each key and value is decoded as UTF-8 when its bytes
// are valid UTF-8 and otherwise as ISO-8859-1, which is what Java's
// Properties.load of a byte stream assumes. A leading UTF-8 byte order mark
// is ignored (and kept).
// The only error is ErrNotText, for data that contains NUL bytes.
func ParseProperties(data []byte) (*Properties, error) {
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, ErrNotText
	}
	text := string(data)
	p := &Properties{nl: "\n"}
	if strings.HasPrefix(text, utf8BOM) {
		p.bom, text = utf8BOM, text[len(utf8BOM):]
	}
	p.items = scanItems(text)
	if i := strings.IndexAny(text, "\r\n"); i >= 0 {
		_, p.nl = lineEnd(text, i)
	}
	return p, nil
}

// Get returns the value of key. When the key appears more than once the last
// one counts, as in java.util.Properties.
func (p *Properties) Get(key string) (string, bool) {
	if i := p.last(key); i >= 0 {
		return p.items[i].value, true
	}
	return "", false
}

func (p *Properties) last(key string) int {
	for i := len(p.items) - 1; i >= 0; i-- {
		if p.items[i].entry && p.items[i].key == key {
			return i
		}
	}
	return -1
}

// Set sets key to value. An existing key keeps its line, indentation and
// separator, only its value is rewritten (earlier duplicates of the key are
// removed); a new key is appended as key=value.
func (p *Properties) Set(key, value string) {
	key, value = validUTF8(key), validUTF8(value)
	if i := p.last(key); i >= 0 {
		p.items[i].setValue(value)
		p.removeKey(key, i)
		return
	}
	if n := len(p.items); n > 0 {
		last := &p.items[n-1]
		switch {
		case last.entry && last.dangling:
			last.setValue(last.value)
			if last.eol == "" {
				last.raw += p.nl
				last.eol = p.nl
			}
		case last.eol == "" && !strings.HasSuffix(last.raw, "\n") && !strings.HasSuffix(last.raw, "\r"):
			last.raw += p.nl
			last.eol = p.nl
		}
	}
	prefix := escapeKey(key) + "="
	p.items = append(p.items, item{
		raw:    prefix + escapeValue(value) + p.nl,
		entry:  true,
		key:    key,
		value:  value,
		prefix: prefix,
		eol:    p.nl,
	})
}

// setValue rewrites the entry's value, keeping what comes before it.
func (it *item) setValue(value string) {
	prefix := it.prefix
	if it.bareKey {
		prefix += "="
	}
	it.prefix, it.bareKey, it.dangling = prefix, false, false
	it.value = value
	it.raw = prefix + escapeValue(value) + it.eol
}

// Delete removes every line of key. Deleting a missing key does nothing.
func (p *Properties) Delete(key string) {
	p.removeKey(validUTF8(key), -1)
}

// removeKey removes the entries of key except the one at index keep.
func (p *Properties) removeKey(key string, keep int) {
	out := p.items[:0]
	for i, it := range p.items {
		if it.entry && it.key == key && i != keep {
			continue
		}
		out = append(out, it)
	}
	clear(p.items[len(out):])
	p.items = out
}

// Keys returns the distinct keys, in the order of the line that counts for
// each (the last one of a duplicated key).
func (p *Properties) Keys() []string {
	seen := make(map[string]bool)
	var keys []string
	for i := len(p.items) - 1; i >= 0; i-- {
		if it := p.items[i]; it.entry && !seen[it.key] {
			seen[it.key] = true
			keys = append(keys, it.key)
		}
	}
	for i, j := 0, len(keys)-1; i < j; i, j = i+1, j-1 {
		keys[i], keys[j] = keys[j], keys[i]
	}
	return keys
}

// Map returns the keys and their values.
func (p *Properties) Map() map[string]string {
	m := make(map[string]string)
	for _, it := range p.items {
		if it.entry {
			m[it.key] = it.value
		}
	}
	return m
}

// Bytes returns the document.
func (p *Properties) Bytes() []byte {
	var b bytes.Buffer
	b.WriteString(p.bom)
	if p.bom == "" && len(p.items) > 0 && strings.HasPrefix(p.items[0].raw, utf8BOM) {
		// A line that starts with U+FEFF became the first one (Delete): a
		// blank line keeps it from reading back as a byte order mark.
		b.WriteString(p.nl)
	}
	for _, it := range p.items {
		b.WriteString(it.raw)
	}
	return b.Bytes()
}
