package edgeprops

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestReadFileRefusesLinksSpecialFilesAndOversize(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "regular")
	if err := os.WriteFile(regular, []byte("ok"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(regular, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadFile(regular, 0); err != nil || string(b) != "ok" {
		t.Fatalf("regular: %q, %v", b, err)
	}
	for _, c := range []struct {
		path string
		max  int64
		want error
		text string
	}{
		{link, 0, ErrSymlink, "symbolic link"},
		{fifo, 0, ErrNotRegular, "named pipe"},
		{dir, 0, ErrNotRegular, "directory"},
		{"/dev/zero", 0, ErrNotRegular, "device"},
		{regular, 1, ErrTooLarge, "larger than 1 bytes"},
	} {
		_, err := ReadFile(c.path, c.max)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.text) {
			t.Errorf("ReadFile(%s): %v, want %v mentioning %q", c.path, err, c.want, c.text)
		}
	}
	if _, err := ReadFile(filepath.Join(dir, "missing"), 0); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing: %v, want fs.ErrNotExist", err)
	}
}

func TestWriteAndAppendRefuseASymlinkAndLeaveItsTargetAlone(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("precious\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "credentials.properties")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(link, []byte("c8y.password=secret\n"), 0o600); !errors.Is(err, ErrSymlink) {
		t.Fatalf("WriteFileAtomic through a link: %v, want ErrSymlink", err)
	}
	if f, err := OpenAppend(link, 0o600); !errors.Is(err, ErrSymlink) {
		if f != nil {
			f.Close()
		}
		t.Fatalf("OpenAppend through a link: %v, want ErrSymlink", err)
	}
	b, _ := os.ReadFile(victim)
	fi, _ := os.Stat(victim)
	if string(b) != "precious\n" || fi.Mode().Perm() != 0o644 {
		t.Fatalf("the link's target changed: %q %v", b, fi.Mode())
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("the link itself was replaced: %v %v", fi, err)
	}
	sub := filepath.Join(dir, "adir")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(sub, []byte("x"), 0o600); !errors.Is(err, ErrNotRegular) {
		t.Fatalf("WriteFileAtomic over a directory: %v, want ErrNotRegular", err)
	}
}
