package remoteaccess

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// asRealSystem makes the sandbox behave as the real root run as root:
// owners are checked and set (it needs root to chown).
func asRealSystem(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("owners can only be set as root")
	}
	old := realOwners
	realOwners = func(string) bool { return true }
	t.Cleanup(func() { realOwners = old })
}

func owner(t *testing.T, path string) (uint32, uint32) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	return st.Uid, st.Gid
}

// As root: .ssh (0700) and authorized_keys (0600) belong to the user.
func TestAuthorizeKeyGivesTheFilesToTheUser(t *testing.T) {
	asRealSystem(t)
	root := t.TempDir()
	a := account(t, root)
	home := filepath.Join(root, a.Home)
	must(t, os.MkdirAll(home, 0o755))
	must(t, os.Chown(home, a.UID, a.GID))
	k, _ := NewKeyPair()
	if _, err := AddAuthorizedKey(root, a, k.Public, "t"); err != nil {
		t.Fatal(err)
	}
	path := AuthorizedKeysPath(root, a)
	for _, p := range []string{filepath.Dir(path), path} {
		if uid, gid := owner(t, p); int(uid) != a.UID || int(gid) != a.GID {
			t.Errorf("%s belongs to %d:%d, want %d:%d", p, uid, gid, a.UID, a.GID)
		}
	}
}

// As root: a .ssh of another user is refused (sshd would refuse it, and
// handing it over would give that user's files away); nothing changes.
func TestAuthorizeKeyRefusesAnotherUsersSSHDirectory(t *testing.T) {
	asRealSystem(t)
	root := t.TempDir()
	a := account(t, root)
	dir := sshDir(t, root, a, 0o700)
	must(t, os.Chown(dir, 4242, 4242))
	k, _ := NewKeyPair()
	_, err := AddAuthorizedKey(root, a, k.Public, "t")
	if err == nil || !strings.Contains(err.Error(), "belongs to uid 4242") {
		t.Fatalf("another user's .ssh: %v", err)
	}
	if uid, _ := owner(t, dir); uid != 4242 {
		t.Errorf(".ssh was given away to %d", uid)
	}
	if _, err := os.Lstat(filepath.Join(dir, "authorized_keys")); !os.IsNotExist(err) {
		t.Errorf("authorized_keys was written: %v", err)
	}
}

// As root: a link on the way to the home directory, in a directory a user
// can change (here a /home the user owns, home -> /root), is not followed.
func TestAuthorizeKeyRefusesAUsersLinkOnTheWayHome(t *testing.T) {
	asRealSystem(t)
	root := t.TempDir()
	a := account(t, root)
	homes := filepath.Join(root, "home")
	must(t, os.MkdirAll(homes, 0o755))
	must(t, os.Chown(homes, a.UID, a.GID))
	rootHome := filepath.Join(root, "root")
	must(t, os.MkdirAll(filepath.Join(rootHome, ".ssh"), 0o700))
	must(t, os.Symlink("../root", filepath.Join(homes, "ops")))
	k, _ := NewKeyPair()
	_, err := AddAuthorizedKey(root, a, k.Public, "t")
	if err == nil || !strings.Contains(err.Error(), "in a directory a local user can change") {
		t.Fatalf("a user's link on the way home: %v", err)
	}
	if entries, _ := os.ReadDir(filepath.Join(rootHome, ".ssh")); len(entries) != 0 {
		t.Errorf("written into root's .ssh: %v", entries)
	}
}
