package edgeprops

import (
	"bytes"
	"testing"
)

// FuzzPropertiesRoundTrip checks that any document parses back to the same
// bytes, that Set and Delete read back as written and leave the other keys
// alone, and that what they write round-trips too.
func FuzzPropertiesRoundTrip(f *testing.F) {
	f.Add([]byte(trickyDoc), "multi", "new value")
	f.Add([]byte("a=b\\"), "k", "v")
	f.Add([]byte("# c\n\\\n"), "", " ")
	f.Add([]byte("caf\xe9=1\r"), "caf\u00e9", "=\n\\")
	f.Fuzz(func(t *testing.T, doc []byte, key, value string) {
		p, err := ParseProperties(doc)
		if err != nil {
			if bytes.IndexByte(doc, 0) < 0 {
				t.Fatalf("ParseProperties failed on text: %v", err)
			}
			return
		}
		if !bytes.Equal(p.Bytes(), doc) {
			t.Fatalf("unchanged document not byte-identical:\n%q\n%q", doc, p.Bytes())
		}
		before := p.Map()
		key, value = validUTF8(key), validUTF8(value)

		p.Set(key, value)
		out := p.Bytes()
		q, err := ParseProperties(out)
		if err != nil {
			t.Fatalf("reparse after Set: %v", err)
		}
		if got, ok := q.Get(key); !ok || got != value {
			t.Fatalf("Set(%q, %q) read back as %q, %v from %q", key, value, got, ok, out)
		}
		if got, _ := p.Get(key); got != value {
			t.Fatalf("Get after Set = %q, want %q", got, value)
		}
		after := q.Map()
		for k, v := range before {
			if k != key && after[k] != v {
				t.Fatalf("Set(%q) changed %q from %q to %q in %q", key, k, v, after[k], out)
			}
		}
		if len(after) != len(before)+boolInt(before[key] == "" && !hasKey(before, key)) {
			t.Fatalf("Set(%q) changed the key count: %d -> %d", key, len(before), len(after))
		}
		if !bytes.Equal(q.Bytes(), out) {
			t.Fatal("second round trip differs")
		}

		q.Delete(key)
		r, err := ParseProperties(q.Bytes())
		if err != nil {
			t.Fatalf("reparse after Delete: %v", err)
		}
		if _, ok := r.Get(key); ok {
			t.Fatalf("Delete(%q) left it in %q", key, q.Bytes())
		}
		afterDelete := r.Map()
		for k, v := range before {
			if k != key && afterDelete[k] != v {
				t.Fatalf("Delete(%q) changed %q", key, k)
			}
		}
	})
}

func hasKey(m map[string]string, k string) bool { _, ok := m[k]; return ok }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
