package edgeprops

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

// A directory under the root is swapped with a link to a directory outside
// it (renameat2 RENAME_EXCHANGE, in a tight loop) while the writers run
// many rounds: atomic writes, appends to a log, removals, the Store's
// credentials. Nothing (no file, no temporary file) appears outside.
func TestWritersHoldAgainstASwappedParentDirectory(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	etc := filepath.Join(root, "etc")
	must(t, os.MkdirAll(filepath.Join(etc, "netplan"), 0o755))
	must(t, os.Symlink(outside, filepath.Join(etc, "evil")))
	agent := filepath.Join(root, AgentDir)
	must(t, os.MkdirAll(agent, 0o755))
	must(t, os.Symlink(outside, filepath.Join(filepath.Dir(agent), "evil")))

	stop := make(chan struct{})
	var wg sync.WaitGroup
	swap := func(dir, a, b string) {
		fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY, 0)
		must(t, err)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer unix.Close(fd)
			for {
				select {
				case <-stop:
					return
				default:
				}
				_ = unix.Renameat2(fd, a, fd, b, unix.RENAME_EXCHANGE)
			}
		}()
	}
	swap(etc, "netplan", "evil")
	swap(filepath.Dir(agent), filepath.Base(agent), "evil")

	s := New(root)
	file := filepath.Join(etc, "netplan/50-edge.yaml")
	log := filepath.Join(etc, "netplan/edge.log")
	for i := 0; i < 300; i++ {
		_ = WriteFileUnder(root, file, []byte("network: {}\n"), 0o600)
		if f, err := OpenAppendUnder(root, log, 0o600); err == nil {
			_, _ = f.WriteString("line\n")
			_ = f.Close()
		}
		_, _ = ReadFileUnder(root, file, 0)
		_ = RemoveUnder(root, file)
		_ = s.SaveCredentials(Credentials{Tenant: "t1", Username: "device_x", Password: "s3cret", URL: "https://a.example"})
	}
	close(stop)
	wg.Wait()
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Fatalf("%d files appeared outside the root, e.g. %s", len(entries), entries[0].Name())
	}
}
