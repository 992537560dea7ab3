package edgeprops

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func mustParse(t testing.TB, s string) *Properties {
	t.Helper()
	p, err := ParseProperties([]byte(s))
	if err != nil {
		t.Fatalf("ParseProperties(%q): %v", s, err)
	}
	return p
}

// trickyDoc exercises everything a real file may hold.
const trickyDoc = "# Edge agent configuration\r\n" +
	"! bang comment \\\r\n" +
	"\r\n" +
	"   \t\f\r\n" +
	"c8y.url=https://edge.example.com:8443/path?a=b#frag\r\n" +
	"spaced   =   value with spaces   \r\n" +
	"colon: value\r\n" +
	"blank separated value\r\n" +
	"   indented=yes\r\n" +
	"multi = first \\\r\n" +
	"        second \\\r\n" +
	"\tthird\r\n" +
	"key\\ with\\=odd\\:chars\\#\\!=v\r\n" +
	"unicode=\\u00E9t\\u00E9 \\uD83D\\uDE00 caf\u00e9\r\n" +
	"escapes=tab\\there\\nnewline\\\\backslash\\q\r\n" +
	"empty=\r\n" +
	"bare\r\n" +
	"dup=1\r\n" +
	"#dup=commented\r\n" +
	"dup=2\r\n" +
	"bad\\u12=malformed\r\n" +
	"trailing=no newline at end"

func TestPropertiesRoundTripUnchanged(t *testing.T) {
	docs := []string{
		"",
		"\n",
		"a=b",
		"a=b\n",
		"a=b\\",
		"a=b\\\n",
		"a=b\\\n   ",
		"\\",
		"\\\n",
		"\\\n\n",
		"# only a comment",
		"\xEF\xBB\xBFkey=value\n",
		"latin1=caf\xe9\n",
		"a=b\rc=d\r",
		trickyDoc,
	}
	for _, d := range docs {
		p := mustParse(t, d)
		if got := string(p.Bytes()); got != d {
			t.Errorf("round trip of %q gave %q", d, got)
		}
	}
}

func TestPropertiesGetJavaSemantics(t *testing.T) {
	p := mustParse(t, trickyDoc)
	want := map[string]string{
		"c8y.url":              "https://edge.example.com:8443/path?a=b#frag",
		"spaced":               "value with spaces   ",
		"colon":                "value",
		"blank":                "separated value",
		"indented":             "yes",
		"multi":                "first second third",
		"key with=odd:chars#!": "v",
		"unicode":              "\u00e9t\u00e9 \U0001F600 caf\u00e9",
		"escapes":              "tab\there\nnewline\\backslashq",
		"empty":                "",
		"bare":                 "",
		"dup":                  "2",
		"badu12":               "malformed",
		"trailing":             "no newline at end",
	}
	for k, v := range want {
		got, ok := p.Get(k)
		if !ok || got != v {
			t.Errorf("Get(%q) = %q, %v; want %q", k, got, ok, v)
		}
	}
	if _, ok := p.Get("#dup"); ok {
		t.Error("a comment was read as a key")
	}
	keys := p.Keys()
	if len(keys) != len(want) {
		t.Errorf("Keys() = %q, want %d keys", keys, len(want))
	}
	if keys[0] != "c8y.url" || keys[len(keys)-1] != "trailing" {
		t.Errorf("Keys() order = %q", keys)
	}
}

func TestPropertiesOddLines(t *testing.T) {
	cases := []struct {
		doc, key, value string
		ok              bool
	}{
		{"a==b", "a", "=b", true},
		{"a = = b", "a", "= b", true},
		{"a  :  b", "a", "b", true},
		{"a \\\n  b", "a", "b", true},
		{"a\\\n=b", "a", "b", true},
		{"\\\n#notcomment=x", "#notcomment", "x", true},
		{"   # comment=x", "# comment", "", false},
		{"# comment \\\nx=y", "x", "y", true},
		{"\\ lead=x", " lead", "x", true},
		{"a=b\\\n", "a", "b", true},
		{"a=b\\", "a", "b", true},
		{"\\", "", "", true},
		{"=v", "", "v", true},
		{"a=\\u0041\\u004", "a", "Au004", true},
		{"a=\\uD800x", "a", "\uFFFDx", true},
		{"a=caf\xe9", "a", "caf\u00e9", true}, // not UTF-8: ISO-8859-1
		{"a=\\\r\n  b\r\n", "a", "b", true},
		{"a=\\\r\r\nb", "a", "", true},
	}
	for _, c := range cases {
		p := mustParse(t, c.doc)
		got, ok := p.Get(c.key)
		if ok != c.ok || got != c.value {
			t.Errorf("%q: Get(%q) = %q, %v; want %q, %v", c.doc, c.key, got, ok, c.value, c.ok)
		}
	}
}

func TestPropertiesNUL(t *testing.T) {
	if _, err := ParseProperties([]byte("a=b\x00\x00")); !errors.Is(err, ErrNotText) {
		t.Fatalf("err = %v, want ErrNotText", err)
	}
}

func TestPropertiesSetExistingKeepsEverythingElse(t *testing.T) {
	p := mustParse(t, trickyDoc)
	p.Set("spaced", "new")
	p.Set("colon", "x:y")
	p.Set("blank", "=starts with equals")
	p.Set("multi", "one line")
	p.Set("bare", "now set")
	p.Set("indented", " leading blank")
	got := string(p.Bytes())
	want := strings.NewReplacer(
		"spaced   =   value with spaces   \r\n", "spaced   =   new\r\n",
		"colon: value\r\n", "colon: x:y\r\n",
		"blank separated value\r\n", "blank \\=starts with equals\r\n",
		"multi = first \\\r\n        second \\\r\n\tthird\r\n", "multi = one line\r\n",
		"bare\r\n", "bare=now set\r\n",
		"   indented=yes\r\n", "   indented=\\ leading blank\r\n",
	).Replace(trickyDoc)
	if got != want {
		t.Fatalf("after Set:\n%q\nwant\n%q", got, want)
	}
	q := mustParse(t, got)
	for k, v := range map[string]string{"spaced": "new", "colon": "x:y", "blank": "=starts with equals",
		"multi": "one line", "bare": "now set", "indented": " leading blank", "c8y.url": "https://edge.example.com:8443/path?a=b#frag"} {
		if g, _ := q.Get(k); g != v {
			t.Errorf("reparsed %q = %q, want %q", k, g, v)
		}
	}
}

func TestPropertiesSetNewAppends(t *testing.T) {
	cases := []struct{ doc, want string }{
		{"", "k=v\n"},
		{"a=b\n", "a=b\nk=v\n"},
		{"a=b", "a=b\nk=v\n"},
		{"a=b\r\n", "a=b\r\nk=v\r\n"},
		{"# c", "# c\nk=v\n"},
		{"a=b\\", "a=b\nk=v\n"},
		{"a=b\\\n", "a=b\nk=v\n"},
		{"a=b\\\n   ", "a=b\nk=v\n"},
	}
	for _, c := range cases {
		p := mustParse(t, c.doc)
		p.Set("k", "v")
		if got := string(p.Bytes()); got != c.want {
			t.Errorf("Set on %q gave %q, want %q", c.doc, got, c.want)
		}
		if v, _ := mustParse(t, c.want).Get("a"); strings.HasPrefix(c.doc, "a") && v != "b" {
			t.Errorf("%q: a = %q after append", c.doc, v)
		}
	}
}

func TestPropertiesDuplicates(t *testing.T) {
	p := mustParse(t, "x=1\n# keep\ndup=1\nmid=m\ndup=2\n")
	if v, _ := p.Get("dup"); v != "2" {
		t.Fatalf("dup = %q, want the last one", v)
	}
	p.Set("dup", "3")
	if got, want := string(p.Bytes()), "x=1\n# keep\nmid=m\ndup=3\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	p.Delete("dup")
	p.Delete("missing")
	if got, want := string(p.Bytes()), "x=1\n# keep\nmid=m\n"; got != want {
		t.Fatalf("after Delete got %q, want %q", got, want)
	}
	q := mustParse(t, "a=1\\\n  continued\nb=2\na=3\n")
	q.Delete("a")
	if got, want := string(q.Bytes()), "b=2\n"; got != want {
		t.Fatalf("Delete of a continued key gave %q, want %q", got, want)
	}
}

func TestPropertiesValuesRoundTrip(t *testing.T) {
	values := []string{
		"", " ", "  leading and trailing  ", "a=b:c#d!e", "=start", ":start", "#start", "!start",
		`C:\path\to\file`, "line1\nline2\r\nline3", "tab\tand\fformfeed", "trailing backslash\\",
		"caf\u00e9 \u65e5\u672c \U0001F600", "\x01\x7f", "https://t.example.com", "\\u0041 literally",
	}
	keys := []string{"k", "key with spaces", "k=eq", "k:colon", "#hash", "!bang", "caf\u00e9", "", "back\\slash", " lead"}
	for _, k := range keys {
		for _, v := range values {
			p := mustParse(t, "# header\nother=1\n")
			p.Set(k, v)
			q := mustParse(t, string(p.Bytes()))
			if got, ok := q.Get(k); !ok || got != v {
				t.Errorf("Set(%q, %q) read back as %q, %v from %q", k, v, got, ok, p.Bytes())
			}
			if got, _ := q.Get("other"); got != "1" {
				t.Errorf("Set(%q, %q) disturbed other: %q", k, v, p.Bytes())
			}
			if !bytes.Equal(q.Bytes(), p.Bytes()) {
				t.Errorf("second round trip differs")
			}
			for _, c := range p.Bytes() {
				if c >= 0x80 {
					t.Fatalf("Set wrote non-ASCII: %q", p.Bytes())
				}
			}
		}
	}
	// Readable values: only what must be escaped is.
	p := mustParse(t, "")
	p.Set("c8y.url", "https://edge.example.com:443/x?a=b")
	p.Set("ssl.certificate", "/root/my cert.crt")
	if got, want := string(p.Bytes()), "c8y.url=https://edge.example.com:443/x?a=b\nssl.certificate=/root/my cert.crt\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestPropertiesInvalidUTF8Replaced(t *testing.T) {
	p := mustParse(t, "")
	p.Set("k", "a\xffb")
	q := mustParse(t, string(p.Bytes()))
	if got, _ := q.Get("k"); got != "a\uFFFDb" {
		t.Errorf("got %q", got)
	}
	if got, _ := p.Get("k"); got != "a\uFFFDb" {
		t.Errorf("Get after Set = %q", got)
	}
}

func TestPropertiesKeysAndMap(t *testing.T) {
	p := mustParse(t, "b=1\na=2\nb=3\n")
	if got := p.Keys(); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("Keys() = %q", got)
	}
	if got := p.Map(); !reflect.DeepEqual(got, map[string]string{"a": "2", "b": "3"}) {
		t.Errorf("Map() = %v", got)
	}
}

// BenchmarkPropertiesParseSetBytes measures a read-modify-write of a large
// document (10,000 entries with comments and continuations).
func BenchmarkPropertiesParseSetBytes(b *testing.B) {
	var sb strings.Builder
	for i := range 10000 {
		fmt.Fprintf(&sb, "# entry %d\nkey.%d = value %d \\\n    continued\n", i, i, i)
	}
	doc := []byte(sb.String())
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		p, err := ParseProperties(doc)
		if err != nil {
			b.Fatal(err)
		}
		p.Set("key.5000", "new")
		p.Set("new.key", "v")
		_ = p.Bytes()
	}
}
