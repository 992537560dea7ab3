package remoteaccess

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

func TestNewKeyPairIsUsableAndNeverPrintsThePrivateKey(t *testing.T) {
	kp, err := NewKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.ParsePrivateKey([]byte(kp.PrivatePEM))
	if err != nil {
		t.Fatal(err)
	}
	if authorizedLine(signer.PublicKey()) != kp.Public || !strings.HasPrefix(kp.Public, "ssh-ed25519 ") {
		t.Fatalf("public key %q does not match the private key", kp.Public)
	}
	for _, s := range []string{kp.String(), kp.GoString()} {
		if strings.Contains(s, "PRIVATE KEY") || strings.Contains(s, kp.PrivatePEM[40:80]) {
			t.Fatalf("the private key shows in %q", s)
		}
	}
}

func account(t *testing.T, root string) Account {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	passwd := "root:x:0:0:root:/root:/bin/bash\nops:x:1001:1001:Ops:/home/ops:/bin/bash\n"
	if err := os.WriteFile(filepath.Join(root, "etc/passwd"), []byte(passwd), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := LookupAccount(root, "ops")
	if err != nil {
		t.Fatal(err)
	}
	if a.UID != 1001 || a.Home != "/home/ops" {
		t.Fatalf("account %+v", a)
	}
	return a
}

func TestAuthorizeKeyKeepsOtherLinesAndReplacesOnlyItsOwn(t *testing.T) {
	root := t.TempDir()
	a := account(t, root)
	path := AuthorizedKeysPath(root, a)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	existing := "# keys of the team\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExisting alice@laptop\n\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOther edge-setup-remote-access@other.tenant\n"
	if err := os.WriteFile(path, []byte(existing), 0o644); err != nil {
		t.Fatal(err)
	}
	k1, _ := NewKeyPair()
	k2, _ := NewKeyPair()
	if changed, err := AuthorizeKey(root, a, k1.Public, "acme.cumulocity.com"); err != nil || !changed {
		t.Fatalf("first key: changed=%v err=%v", changed, err)
	}
	if changed, err := AuthorizeKey(root, a, k1.Public, "acme.cumulocity.com"); err != nil || changed {
		t.Fatalf("same key again: changed=%v err=%v", changed, err)
	}
	if _, err := AuthorizeKey(root, a, k2.Public, "acme.cumulocity.com"); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	got := string(data)
	want := existing + k2.Public + " edge-setup-remote-access@acme.cumulocity.com\n"
	if got != want {
		t.Fatalf("authorized_keys:\n%s\nwant:\n%s", got, want)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode())
	}
	if !HasKey(root, a, k2.Public) || HasKey(root, a, k1.Public) {
		t.Fatal("HasKey disagrees with the file")
	}
}

func TestAuthorizeKeyRefusesALinkInPlace(t *testing.T) {
	root := t.TempDir()
	a := account(t, root)
	path := AuthorizedKeysPath(root, a)
	_ = os.MkdirAll(filepath.Dir(path), 0o700)
	target := filepath.Join(root, "etc/shadow")
	_ = os.WriteFile(target, []byte("root:secret\n"), 0o600)
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
	k, _ := NewKeyPair()
	if _, err := AuthorizeKey(root, a, k.Public, "t"); err == nil {
		t.Fatal("a link at authorized_keys was followed")
	}
	if data, _ := os.ReadFile(target); string(data) != "root:secret\n" {
		t.Fatal("the link's target changed")
	}
}

func TestLookupAccountRefusesOddNames(t *testing.T) {
	root := t.TempDir()
	account(t, root)
	for _, n := range []string{"", "../etc", "nobody", "a b", "ops:x"} {
		if _, err := LookupAccount(root, n); err == nil {
			t.Errorf("%q accepted", n)
		}
	}
}

func TestHostKeysPreferEd25519AndSayWhenNone(t *testing.T) {
	root := t.TempDir()
	if _, err := HostKeys(root); err == nil || !strings.Contains(err.Error(), "ssh-keygen -A") {
		t.Fatalf("no keys: %v", err)
	}
	_, ed := testSSHD(t)
	writeHostKey(t, root, ed.PublicKey())
	rsaLine := "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDdummydummydummy= root@edge\n"
	_ = os.WriteFile(filepath.Join(root, "etc/ssh/ssh_host_rsa_key.pub"), []byte(rsaLine), 0o644)
	keys, err := HostKeys(root)
	if err != nil || len(keys) < 1 || keys[0].Type() != ssh.KeyAlgoED25519 {
		t.Fatalf("keys %v err %v", keys, err)
	}
}
