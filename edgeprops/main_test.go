package edgeprops

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"testing"

	"go.uber.org/goleak"
)

// lockHolderEnv makes the test binary, re-executed by startLockHolder, take
// the lock of the root it names, say "locked" and hold it until stdin closes.
const lockHolderEnv = "EDGEPROPS_TEST_HOLD_LOCK_ROOT"

func TestMain(m *testing.M) {
	if root := os.Getenv(lockHolderEnv); root != "" {
		unlock, err := New(root).Lock()
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("locked")
		_, _ = io.Copy(io.Discard, os.Stdin)
		unlock()
		os.Exit(0)
	}
	goleak.VerifyTestMain(m)
}

// startLockHolder runs a child process that holds root's lock until release
// is called (or the test ends).
func startLockHolder(t *testing.T, root string) (pid int, release func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), lockHolderEnv+"="+root)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if line != "locked\n" {
		_ = stdin.Close()
		_ = cmd.Wait()
		t.Fatalf("lock holder said %q", line)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			_ = stdin.Close()
			if err := cmd.Wait(); err != nil {
				t.Errorf("lock holder: %v", err)
			}
		})
	}
	t.Cleanup(release)
	return cmd.Process.Pid, release
}
