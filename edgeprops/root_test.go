package edgeprops

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Every writer of the Store goes through CheckUnderRoot: a ".." that climbs
// out, or a link in a parent directory that leads out of the root, is
// refused with a message and nothing outside changes; links that stay
// inside the root are fine.
func TestWritesStayUnderTheRoot(t *testing.T) {
	outside := t.TempDir()
	root := filepath.Join(t.TempDir(), "root")
	if err := os.MkdirAll(filepath.Join(root, "usr/edge/properties"), 0o755); err != nil {
		t.Fatal(err)
	}
	// usr/edge/properties/edge-agent -> a directory outside the root
	if err := os.Symlink(outside, filepath.Join(root, AgentDir)); err != nil {
		t.Fatal(err)
	}
	s := New(root)
	err := s.SaveCredentials(Credentials{Tenant: "t1", Username: "device_x", Password: "s3cret-pass", URL: "https://a.example"})
	if !errors.Is(err, ErrOutsideRoot) || !strings.Contains(err.Error(), "outside the root directory") {
		t.Fatalf("SaveCredentials through a link out of the root: %v", err)
	}
	if _, _, err := s.DeviceID(); !errors.Is(err, ErrOutsideRoot) {
		t.Errorf("DeviceID through a link out of the root: %v", err)
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Errorf("files appeared outside the root: %v", entries)
	}

	for _, p := range []string{
		filepath.Join(root, "../escape"),
		root + "/var/../../escape",
		"relative/path",
	} {
		if err := WriteFileUnder(root, p, []byte("x"), 0o600); !errors.Is(err, ErrOutsideRoot) {
			t.Errorf("WriteFileUnder(%s): %v, want ErrOutsideRoot", p, err)
		}
		if f, err := OpenAppendUnder(root, p, 0o600); !errors.Is(err, ErrOutsideRoot) {
			f.Close()
			t.Errorf("OpenAppendUnder(%s): %v, want ErrOutsideRoot", p, err)
		}
	}

	// a link inside the root to a directory inside the root is fine
	if err := os.MkdirAll(filepath.Join(root, "data/state"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "var/lib"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "data/state"), filepath.Join(root, StateDir)); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteState("probe", map[string]int{"a": 1}); err != nil {
		t.Fatalf("a link inside the root: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "data/state/probe.json")); err != nil {
		t.Errorf("state not written through the inner link: %v", err)
	}
}

// A link, a directory or a FIFO at the lock path is refused (never
// truncated or written through) with an error that is not a *LockedError.
func TestLockRefusesALinkOrSpecialFileAtItsPath(t *testing.T) {
	for _, kind := range []string{"symlink", "directory", "fifo"} {
		t.Run(kind, func(t *testing.T) {
			root := t.TempDir()
			s := New(root)
			lock := s.Path(LockFile)
			if err := os.MkdirAll(filepath.Dir(lock), 0o755); err != nil {
				t.Fatal(err)
			}
			victim := filepath.Join(t.TempDir(), "victim")
			if err := os.WriteFile(victim, []byte("precious\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			switch kind {
			case "symlink":
				err := os.Symlink(victim, lock)
				must(t, err)
			case "directory":
				must(t, os.Mkdir(lock, 0o755))
			case "fifo":
				must(t, syscall.Mkfifo(lock, 0o600))
			}
			unlock, err := s.Lock()
			if err == nil {
				unlock()
				t.Fatal("Lock succeeded")
			}
			var held *LockedError
			if errors.As(err, &held) {
				t.Fatalf("a %s at the lock path reported as another copy: %v", kind, err)
			}
			if !strings.Contains(err.Error(), "cannot take the edge-setup lock") {
				t.Errorf("message: %v", err)
			}
			if b, _ := os.ReadFile(victim); string(b) != "precious\n" {
				t.Errorf("the link's target changed: %q", b)
			}
		})
	}
}

// Temporary files a crash left behind (they may hold a password) are
// removed when the lock is taken; other files are left alone.
func TestLockRemovesCrashLeftovers(t *testing.T) {
	root := t.TempDir()
	s := New(root)
	dir := s.Path(AgentDir)
	must(t, os.MkdirAll(dir, 0o755))
	leftover := filepath.Join(dir, ".credentials.properties.tmp-123456")
	keep := filepath.Join(dir, ".credentials.properties.tmp-notours")
	must(t, os.WriteFile(leftover, []byte("c8y.password=secret\n"), 0o600))
	must(t, os.WriteFile(keep, []byte("x"), 0o600))
	unlock, err := s.Lock()
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if _, err := os.Lstat(leftover); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("leftover still there: %v", err)
	}
	if _, err := os.Lstat(keep); err != nil {
		t.Errorf("a file that is not ours was removed: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
