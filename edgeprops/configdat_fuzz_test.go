package edgeprops

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzConfigDatRoundTrip feeds any document to the parameter-file parser
// (ParseKeyValueFile) and to config.dat (LoadConfigDat): they must agree on
// every key, an unchanged config.dat must write back byte for byte, and a
// key and admin password set must read back exactly, both through
// LoadConfigDat and ParseKeyValueFile, leaving the other keys alone.
func FuzzConfigDatRoundTrip(f *testing.F) {
	f.Add([]byte("tenant.admin.username=admin\ntenant.admin.password=UzNjdXJlIXBhc3M=\ntenant.domain.name=edge.example.com\n"), "network.ip", "192.168.1.10", "S3cure!pass")
	f.Add([]byte("\ufeff# Windows\r\nnetwork.ip = 10.0.0.5  \r\nnetmask: 255.255.255.0\r\n"), "gateway.ip", "10.0.0.1", "")
	f.Add([]byte("a=1\na=2\nmulti=one\\\n  two\n"), "a", "3", "p=w:d\\")
	f.Add([]byte("tenant.admin.password=not base64!\n"), "x", "", "\u00e9t\u00e9")
	s := New(f.TempDir()) // one root per fuzz process: the iterations run one at a time
	path := s.Path(ConfigDatFile)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, doc []byte, key, value, password string) {
		if err := os.WriteFile(path, doc, 0o600); err != nil {
			t.Fatal(err)
		}
		params, perr := ParseKeyValueFile(path)
		d, lerr := s.LoadConfigDat()
		if (perr == nil) != (lerr == nil) {
			t.Fatalf("parameter file error %v, config.dat error %v", perr, lerr)
		}
		if perr != nil {
			if bytes.IndexByte(doc, 0) < 0 {
				t.Fatalf("text refused: %v", perr)
			}
			if !strings.Contains(perr.Error(), path) || strings.Contains(perr.Error(), "\n") {
				t.Fatalf("error does not name the file on one line: %q", perr)
			}
			return
		}
		if !bytes.Equal(d.props.Bytes(), doc) {
			t.Fatalf("unchanged config.dat does not write back as read:\n%q\n%q", doc, d.props.Bytes())
		}
		if len(params) != len(d.Keys()) {
			t.Fatalf("%d parameters, %d config.dat keys", len(params), len(d.Keys()))
		}
		for k, v := range params {
			if got := strings.TrimRight(d.Get(k), " \t\f"); got != v {
				t.Fatalf("key %q: parameter %q, config.dat %q", k, v, got)
			}
		}
		if _, err := d.AdminPassword(); err != nil && strings.Contains(err.Error(), d.Get(KeyAdminPassword)) && d.Get(KeyAdminPassword) != "" {
			t.Fatalf("the admin password error quotes the stored value: %v", err)
		}

		if !utf8.ValidString(key) || !utf8.ValidString(value) || !utf8.ValidString(password) || key == KeyAdminPassword {
			return
		}
		d.Set(key, value)
		d.SetAdminPassword(password)
		out := d.props.Bytes()
		if err := os.WriteFile(path, out, 0o600); err != nil {
			t.Fatal(err)
		}
		d2, err := s.LoadConfigDat()
		if err != nil {
			t.Fatalf("reload: %v", err)
		}
		if got := d2.Get(key); got != value {
			t.Fatalf("Set(%q, %q) read back as %q from %q", key, value, got, out)
		}
		if got, err := d2.AdminPassword(); err != nil || got != password {
			t.Fatalf("admin password read back as %q, %v", got, err)
		}
		params2, err := ParseKeyValueFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := params2[key]; got != strings.TrimRight(value, " \t\f") {
			t.Fatalf("parameter %q read back as %q, want %q", key, got, value)
		}
		for k, v := range params {
			if k != key && k != KeyAdminPassword && params2[k] != v {
				t.Fatalf("setting %q changed %q from %q to %q", key, k, v, params2[k])
			}
		}
		if !bytes.Equal(d2.props.Bytes(), out) {
			t.Fatal("second round trip differs")
		}
	})
}
