package edgeprops

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofrs/flock"
)

func TestLockHeldByAnotherProcess(t *testing.T) {
	root := t.TempDir()
	pid, release := startLockHolder(t, root)

	s := New(root)
	_, err := s.Lock()
	var le *LockedError
	if !errors.As(err, &le) {
		t.Fatalf("Lock() err = %v, want *LockedError", err)
	}
	if le.PID != pid || le.Path != s.Path(LockFile) {
		t.Errorf("LockedError = %+v, want pid %d path %s", le, pid, s.Path(LockFile))
	}
	want := "another edge-setup is running (pid " + strconv.Itoa(pid) + "); wait for it to finish or stop it, then try again"
	if err.Error() != want {
		t.Errorf("message %q, want %q", err.Error(), want)
	}

	// Writes do not go through while the other process holds the lock.
	old := writeLockWait
	writeLockWait = 50 * time.Millisecond
	t.Cleanup(func() { writeLockWait = old })
	if err := s.SaveAgentConfig(DefaultAgentConfig()); !errors.As(err, &le) {
		t.Errorf("SaveAgentConfig under another's lock: err = %v", err)
	}
	if _, err := os.Stat(s.Path(AgentPropsFile)); err == nil {
		t.Error("the agent file was written although another process held the lock")
	}

	// LockWait gets it as soon as the other process lets go.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go func() {
		time.Sleep(100 * time.Millisecond)
		release()
	}()
	unlock, err := s.LockWait(ctx)
	if err != nil {
		t.Fatalf("LockWait: %v", err)
	}
	if got := strings.TrimSpace(readString(t, s.Path(LockFile))); got != strconv.Itoa(os.Getpid()) {
		t.Errorf("lock file records %q, want our pid", got)
	}
	unlock()
	unlock() // harmless
	if got := readString(t, s.Path(LockFile)); got != "" {
		t.Errorf("lock file after unlock = %q, want empty", got)
	}
}

func TestLockWaitGivesUpWhenContextDone(t *testing.T) {
	root := t.TempDir()
	// flock locks belong to an open file description: a second Flock on
	// the same file conflicts even within one process.
	other := flock.New(New(root).Path(LockFile))
	if err := os.MkdirAll(New(root).Path("run"), 0o755); err != nil {
		t.Fatal(err)
	}
	if ok, err := other.TryLock(); !ok || err != nil {
		t.Fatalf("TryLock: %v %v", ok, err)
	}
	defer other.Unlock()
	if err := os.WriteFile(other.Path(), []byte("4242\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	_, err := New(root).LockWait(ctx)
	var le *LockedError
	if !errors.As(err, &le) || le.PID != 4242 {
		t.Fatalf("err = %v, want *LockedError with pid 4242", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want it to wrap context.DeadlineExceeded", err)
	}
}

func TestLockUnknownPID(t *testing.T) {
	err := &LockedError{Path: "/run/edge-setup.lock"}
	if got := err.Error(); got != "another edge-setup is running; wait for it to finish or stop it, then try again" {
		t.Errorf("message %q", got)
	}
}

func TestLockReentrantWithinStore(t *testing.T) {
	s := New(t.TempDir())
	unlock1, err := s.Lock()
	if err != nil {
		t.Fatal(err)
	}
	unlock2, err := s.Lock()
	if err != nil {
		t.Fatalf("second Lock on the same Store: %v", err)
	}
	// Writes of the Store that holds the lock go through at once.
	if err := s.SaveAgentConfig(DefaultAgentConfig()); err != nil {
		t.Fatal(err)
	}
	// Another Store (another open file) does not get it.
	if _, err := New(s.Root()).Lock(); err == nil {
		t.Fatal("a second Store got the lock while the first held it")
	}
	unlock1()
	unlock1()
	if _, err := New(s.Root()).Lock(); err == nil {
		t.Fatal("lock released before the last unlock")
	}
	unlock2()
	unlock3, err := New(s.Root()).Lock()
	if err != nil {
		t.Fatalf("lock not released after the last unlock: %v", err)
	}
	unlock3()
}
