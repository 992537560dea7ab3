package remoteaccess

import (
	"strings"
	"testing"
)

// authorized_keys comes from a directory the user controls: its lines
// never panic the parser, a parsed key is one "type base64" pair, and the
// lines edge-setup writes read back as written (so RemoveAuthorizedKeys
// finds exactly its own).
func FuzzParseKeyLine(f *testing.F) {
	for _, s := range []string{
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExisting alice@laptop",
		"ssh-ed25519 AAAAC3Nza edge-setup-remote-access@acme.example",
		`command="echo \"hi there\"",no-pty ssh-rsa AAAAB3Nza bob`,
		`from="10.0.0.0/8" ecdsa-sha2-nistp256 AAAAE2Vj`,
		"# ssh-ed25519 AAAA commented out",
		"  \tssh-ed25519\tAAAA\tcomment with\ttabs\r",
		`restrict,command="unterminated ssh-ed25519 AAAA x`,
		"ssh-ed25519",
		"",
		"sk-ssh-ed25519@openssh.com AAAA security key",
	} {
		f.Add(s, "acme.example")
	}
	f.Fuzz(func(t *testing.T, line, tenant string) {
		key, comment, ok := parseKeyLine(line)
		if ok {
			typ, blob, found := strings.Cut(key, " ")
			if !found || !isKeyType(typ) || blob == "" || strings.ContainsAny(blob, " \t") {
				t.Fatalf("parseKeyLine(%q) key %q", line, key)
			}
			if comment != strings.Trim(comment, " \t\r") {
				t.Fatalf("parseKeyLine(%q) comment %q not trimmed", line, comment)
			}
			if !strings.Contains(line, blob) {
				t.Fatalf("parseKeyLine(%q) invented %q", line, blob)
			}
			if comment != "" && !strings.ContainsAny(comment, "\n") {
				if k2, c2, ok2 := parseKeyLine(key + " " + comment); !ok2 || k2 != key || c2 != comment {
					t.Fatalf("%q does not read back: %q %q %v", key+" "+comment, k2, c2, ok2)
				}
			}
		}
		ours := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOurs"
		if k, c, ok := parseKeyLine(ours + " " + keyComment(tenant)); !ok || k != ours || c != keyComment(tenant) {
			t.Fatalf("our own line for tenant %q reads back as %q %q %v", tenant, k, c, ok)
		}
	})
}
