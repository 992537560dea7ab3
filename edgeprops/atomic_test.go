package edgeprops

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// setFailAt makes WriteFileAtomic fail at one step for the rest of the test.
func setFailAt(t *testing.T, stepName string, err error) {
	t.Helper()
	failAt = func(s string) error {
		if s == stepName {
			return err
		}
		return nil
	}
	t.Cleanup(func() { failAt = nil })
}

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// noTempFiles fails if a temporary file of WriteFileAtomic is left in dir.
func noTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestWriteFileAtomicCreatesDirsAndSetsMode(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "a", "b", "file")
	for _, perm := range []os.FileMode{0o600, 0o644, 0o640} {
		if err := WriteFileAtomic(path, []byte("data"), perm); err != nil {
			t.Fatal(err)
		}
		if got := mode(t, path); got != perm {
			t.Errorf("mode = %v, want %v", got, perm)
		}
	}
	if got := readString(t, path); got != "data" {
		t.Errorf("content = %q", got)
	}
	if fi, _ := os.Stat(filepath.Join(root, "a")); fi.Mode().Perm() != 0o755 {
		t.Errorf("parent mode = %v, want 0755", fi.Mode().Perm())
	}
	noTempFiles(t, filepath.Dir(path))
}

func TestWriteFileAtomicFailureKeepsOldContent(t *testing.T) {
	cases := []struct {
		step    string
		err     error
		message string
	}{
		{"create", syscall.EACCES, "permission denied writing %s: run as root; %s was not changed"},
		{"write", syscall.ENOSPC, "the disk holding %s is full: free some space and try again; %s was not changed"},
		{"write", syscall.EDQUOT, "the disk holding %s is full"},
		{"sync", syscall.EIO, "input/output error writing %s: the disk may be failing"},
		{"chmod", syscall.EROFS, "the file system holding %s is read-only"},
		{"close", syscall.ENOSPC, "the disk holding %s is full"},
		{"rename", syscall.EROFS, "the file system holding %s is read-only: remount it read-write (or check the disk for errors) and try again; %s was not changed"},
		{"rename", syscall.EXDEV, "cannot write %s: rename"},
	}
	for _, c := range cases {
		t.Run(c.step+"_"+c.err.Error(), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "edge-agent.properties")
			if err := os.WriteFile(path, []byte("old\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			setFailAt(t, c.step, c.err)
			err := WriteFileAtomic(path, []byte("new\n"), 0o600)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, c.err) {
				t.Errorf("errors.Is(%v, %v) is false", err, c.err)
			}
			var fe *FileError
			if !errors.As(err, &fe) || fe.Path != path {
				t.Errorf("error %T %v is not a *FileError for %s", err, err, path)
			}
			want := strings.ReplaceAll(c.message, "%s", path)
			if !strings.HasPrefix(err.Error(), want) {
				t.Errorf("message\n%q\ndoes not start with\n%q", err.Error(), want)
			}
			if got := readString(t, path); got != "old\n" {
				t.Errorf("old file changed to %q", got)
			}
			if got := mode(t, path); got != 0o644 {
				t.Errorf("old file mode changed to %v", got)
			}
			noTempFiles(t, dir)
		})
	}
}

func TestWriteFileAtomicDirSyncFailureSaysChanged(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	setFailAt(t, "syncdir", syscall.EIO)
	err := WriteFileAtomic(path, []byte("new"), 0o644)
	if err == nil || !strings.Contains(err.Error(), "was made but may not survive a power loss") {
		t.Fatalf("err = %v", err)
	}
	if got := readString(t, path); got != "new" {
		t.Errorf("content = %q", got)
	}
	noTempFiles(t, dir)
}

func TestWriteFileAtomicParentIsAFile(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "usr"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteFileAtomic(filepath.Join(root, "usr", "x"), []byte("x"), 0o644)
	if err == nil || !strings.Contains(err.Error(), "is a file, not a directory") {
		t.Fatalf("err = %v", err)
	}
}

func TestWriteFileAtomicKeepsOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a file away")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path, 1234, 5678); err != nil {
		t.Skip("cannot chown here:", err)
	}
	if err := WriteFileAtomic(path, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	st := fi.Sys().(*syscall.Stat_t)
	if st.Uid != 1234 || st.Gid != 5678 {
		t.Errorf("owner = %d:%d, want 1234:5678", st.Uid, st.Gid)
	}
}
