package options

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/system"
)

// Files operators name (parameter, certificate, key, licence and secret
// files) are read as every local file: /dev/zero, a FIFO or a link in
// their place is refused at once with the reason, never read without end.
func TestOperatorFilesRefuseDevicesFIFOsAndLinks(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "real.crt")
	if err := os.WriteFile(target, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.crt")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, system.MaxOperatorFile+1), 0o600); err != nil {
		t.Fatal(err)
	}
	env := &steps.Env{Root: "/"}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for path, want := range map[string]string{
			"/dev/zero": "is a device",
			fifo:        "named pipe",
			link:        "symbolic link to \"" + target + "\"",
			dir:         "is a directory",
			big:         "too large",
		} {
			if _, err := system.ReadOperatorFile(env, path, "SSL certificate file"); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: %v, want %q", path, err, want)
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("a read of a device or FIFO blocked")
	}
}

// Under a sandbox root an operator's absolute path stays under the root:
// a link in a parent directory that leads out is refused.
func TestOperatorFilesStayUnderASandboxRoot(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "host.key"), []byte("host secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "certs")); err != nil {
		t.Fatal(err)
	}
	env := &steps.Env{Root: root}
	if _, err := system.ReadOperatorFile(env, "/certs/host.key", "SSL certificate key file"); err == nil || !strings.Contains(err.Error(), "outside the root directory") {
		t.Errorf("read through a link out of the root: %v", err)
	}
	if _, err := system.ReadOperatorFile(env, "/../../etc/passwd", "licence file"); err == nil {
		t.Error("a path climbing out of the root was read")
	}
}
