package remoteaccess

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

// sshDir makes a's ~/.ssh (mode perm) under root and returns its path.
func sshDir(t *testing.T, root string, a Account, perm os.FileMode) string {
	t.Helper()
	dir := filepath.Dir(AuthorizedKeysPath(root, a))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, perm); err != nil {
		t.Fatal(err)
	}
	return dir
}

const attackerKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAttacker mallory\n"

// plantedKeys is a directory outside the root holding an authorized_keys
// with the attacker's key, as /root/.ssh would.
func plantedKeys(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "authorized_keys"), []byte(attackerKey), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// untouched fails unless dir holds only the planted authorized_keys, unchanged.
func untouched(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "authorized_keys" {
			t.Errorf("%s appeared in %s", e.Name(), dir)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "authorized_keys")); string(b) != attackerKey {
		t.Errorf("the planted authorized_keys changed to %q", b)
	}
}

// ln -s /root/.ssh ~/.ssh (outside the root, and inside it): refused
// with a message, nothing written through the link, nothing changed.
func TestAuthorizeKeyRefusesALinkedSSHDirectory(t *testing.T) {
	for _, where := range []string{"outside the root", "inside the root"} {
		t.Run(where, func(t *testing.T) {
			root := t.TempDir()
			a := account(t, root)
			target := plantedKeys(t)
			if where == "inside the root" {
				target = filepath.Join(root, "root/.ssh")
				must(t, os.MkdirAll(target, 0o700))
				must(t, os.WriteFile(filepath.Join(target, "authorized_keys"), []byte(attackerKey), 0o600))
			}
			home := filepath.Join(root, a.Home)
			must(t, os.MkdirAll(home, 0o755))
			must(t, os.Symlink(target, filepath.Join(home, ".ssh")))
			k, _ := NewKeyPair()
			_, err := AuthorizeKey(root, a, k.Public, "acme.example")
			if err == nil || !strings.Contains(err.Error(), ".ssh is a symbolic link") || !strings.Contains(err.Error(), "nothing was changed") {
				t.Fatalf("a linked ~/.ssh: %v", err)
			}
			untouched(t, target)
			if fi, err := os.Lstat(filepath.Join(home, ".ssh")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
				t.Errorf("the link was replaced: %v", err)
			}
		})
	}
}

// A FIFO or a file named .ssh is refused, never opened for reading.
func TestAuthorizeKeyRefusesAnSSHThatIsNoDirectory(t *testing.T) {
	root := t.TempDir()
	a := account(t, root)
	home := filepath.Join(root, a.Home)
	must(t, os.MkdirAll(home, 0o755))
	must(t, unix.Mkfifo(filepath.Join(home, ".ssh"), 0o600))
	k, _ := NewKeyPair()
	if _, err := AddAuthorizedKey(root, a, k.Public, "t"); err == nil || !strings.Contains(err.Error(), "is not a directory") {
		t.Fatalf("a FIFO as .ssh: %v", err)
	}
}

// A hard-linked authorized_keys is refused: its other name's content is
// never copied into the user's file, and neither name changes.
func TestAuthorizeKeyRefusesAHardLinkedFile(t *testing.T) {
	root := t.TempDir()
	a := account(t, root)
	dir := sshDir(t, root, a, 0o700)
	secret := filepath.Join(root, "etc/shadow")
	must(t, os.WriteFile(secret, []byte("root:$6$secret\n"), 0o600))
	must(t, os.Link(secret, filepath.Join(dir, "authorized_keys")))
	k, _ := NewKeyPair()
	_, err := AuthorizeKey(root, a, k.Public, "t")
	if err == nil || !strings.Contains(err.Error(), "has 2 hard links") {
		t.Fatalf("a hard-linked authorized_keys: %v", err)
	}
	for _, p := range []string{secret, filepath.Join(dir, "authorized_keys")} {
		if b, _ := os.ReadFile(p); string(b) != "root:$6$secret\n" {
			t.Errorf("%s changed to %q", p, b)
		}
	}
}

// A world-writable .ssh is tightened to 0700 and the file made 0600; the
// temporary files a crash left in .ssh are removed, other files kept.
func TestAuthorizeKeyTightensSSHAndRemovesLeftovers(t *testing.T) {
	root := t.TempDir()
	a := account(t, root)
	dir := sshDir(t, root, a, 0o777)
	leftover := filepath.Join(dir, ".authorized_keys.tmp-4242")
	other := filepath.Join(dir, "known_hosts")
	must(t, os.WriteFile(leftover, []byte("half a key"), 0o600))
	must(t, os.WriteFile(other, []byte("host"), 0o644))
	k, _ := NewKeyPair()
	if _, err := AddAuthorizedKey(root, a, k.Public, "t"); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf(".ssh mode %v, want 0700", fi.Mode().Perm())
	}
	if fi, _ := os.Stat(filepath.Join(dir, "authorized_keys")); fi.Mode().Perm() != 0o600 {
		t.Errorf("authorized_keys mode %v, want 0600", fi.Mode().Perm())
	}
	if _, err := os.Lstat(leftover); !os.IsNotExist(err) {
		t.Errorf("the crash leftover is still there: %v", err)
	}
	if _, err := os.Lstat(other); err != nil {
		t.Errorf("known_hosts was removed: %v", err)
	}
}

// AddAuthorizedKey keeps earlier keys of the tenant; RemoveAuthorizedKeys
// drops them except keep, and only the tenant's.
func TestAddThenRemoveAuthorizedKeys(t *testing.T) {
	root := t.TempDir()
	a := account(t, root)
	if n, err := RemoveAuthorizedKeys(root, a, "acme", ""); n != 0 || err != nil {
		t.Fatalf("no file: %d %v", n, err)
	}
	k1, _ := NewKeyPair()
	k2, _ := NewKeyPair()
	k3, _ := NewKeyPair()
	for _, c := range []struct{ key, tenant string }{{k1.Public, "acme"}, {k2.Public, "acme"}, {k3.Public, "other"}} {
		if changed, err := AddAuthorizedKey(root, a, c.key, c.tenant); err != nil || !changed {
			t.Fatalf("add: %v %v", changed, err)
		}
	}
	if changed, _ := AddAuthorizedKey(root, a, k2.Public, "acme"); changed {
		t.Error("the same key again changed the file")
	}
	if !HasKey(root, a, k1.Public) || !HasKey(root, a, k2.Public) {
		t.Fatal("AddAuthorizedKey dropped the tenant's earlier key")
	}
	if n, err := RemoveAuthorizedKeys(root, a, "acme", k2.Public); n != 1 || err != nil {
		t.Fatalf("remove keeping k2: %d %v", n, err)
	}
	if HasKey(root, a, k1.Public) || !HasKey(root, a, k2.Public) || !HasKey(root, a, k3.Public) {
		t.Fatal("RemoveAuthorizedKeys removed the wrong lines")
	}
	if n, err := RemoveAuthorizedKeys(root, a, "acme", ""); n != 1 || err != nil {
		t.Fatalf("remove all: %d %v", n, err)
	}
	if HasKey(root, a, k2.Public) || !HasKey(root, a, k3.Public) {
		t.Fatal("remove all of acme")
	}
}

// The user swaps ~/.ssh with a link to a directory outside the root (and
// their home with a link out of the root) in a tight loop
// (renameat2 RENAME_EXCHANGE) while root writes their keys many times:
// nothing lands outside the root, the attacker's file never gets the
// tenant's key, and no temporary file is left outside.
func TestAuthorizeKeyHoldsAgainstSwappedDirectories(t *testing.T) {
	root := t.TempDir()
	a := account(t, root)
	outside := plantedKeys(t)
	home := filepath.Join(root, a.Home)
	sshDir(t, root, a, 0o700)
	must(t, os.Symlink(outside, filepath.Join(home, "evil")))
	outsideHome := t.TempDir()
	must(t, os.Symlink(outsideHome, filepath.Join(root, "home/evilhome")))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	swap := func(dirfd int, a, b string) {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			_ = unix.Renameat2(dirfd, a, dirfd, b, unix.RENAME_EXCHANGE)
		}
	}
	homeFD, err := unix.Open(home, unix.O_RDONLY|unix.O_DIRECTORY, 0)
	must(t, err)
	defer unix.Close(homeFD)
	homesFD, err := unix.Open(filepath.Join(root, "home"), unix.O_RDONLY|unix.O_DIRECTORY, 0)
	must(t, err)
	defer unix.Close(homesFD)
	wg.Add(2)
	go swap(homeFD, ".ssh", "evil")
	go swap(homesFD, "ops", "evilhome")
	wrote := 0
	for i := 0; i < 300; i++ {
		k, _ := NewKeyPair()
		if _, err := AuthorizeKey(root, a, k.Public, "acme.example"); err == nil {
			wrote++
		}
	}
	close(stop)
	wg.Wait()
	untouched(t, outside)
	if entries, _ := os.ReadDir(outsideHome); len(entries) != 0 {
		t.Errorf("files appeared in a home outside the root: %v", entries)
	}
	t.Logf("%d of 300 writes went through (the others were refused)", wrote)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// The home directory itself as a link out of the root (/home/ops -> a
// directory outside the sandbox): refused as outside the root, nothing written there.
func TestAuthorizeKeyRefusesAHomeOutsideTheRoot(t *testing.T) {
	root := t.TempDir()
	a := account(t, root)
	outside := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(root, "home"), 0o755))
	must(t, os.Symlink(outside, filepath.Join(root, a.Home)))
	k, _ := NewKeyPair()
	_, err := AddAuthorizedKey(root, a, k.Public, "t")
	if err == nil || !strings.Contains(err.Error(), "is outside the root directory") {
		t.Fatalf("a home out of the root: %v", err)
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Errorf("written outside the root: %v", entries)
	}
}
