package edgeprops

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"
)

// LockedError says that another process holds the edge-setup lock.
type LockedError struct {
	PID  int    // the holder's process ID as it recorded it; 0 when unknown
	Path string // the lock file
}

func (e *LockedError) Error() string {
	if e.PID > 0 {
		return fmt.Sprintf("another edge-setup is running (pid %d); wait for it to finish or stop it, then try again", e.PID)
	}
	return "another edge-setup is running; wait for it to finish or stop it, then try again"
}

// lockPollInterval is how often LockWait retries.
var lockPollInterval = 100 * time.Millisecond

// Lock takes the edge-setup process lock (an flock on <root>/run/edge-setup.lock,
// which records the holder's PID) without waiting. When another process
// holds it the error is a *LockedError. unlock releases it; calling unlock
// more than once is harmless. Lock is reentrant within a Store: while the
// Store holds the lock, Lock succeeds at once and the lock is released when
// every unlock has been called. The lock is released by the kernel if the
// process dies.
func (s *Store) Lock() (unlock func(), err error) {
	unlock, held, err := s.tryLock()
	if err != nil {
		return nil, err
	}
	if held != nil {
		return nil, held
	}
	return unlock, nil
}

// LockWait takes the process lock like Lock, but when another process holds
// it, it polls until the lock is free or ctx is done. The error after ctx is
// done wraps both the *LockedError and ctx.Err().
func (s *Store) LockWait(ctx context.Context) (unlock func(), err error) {
	for {
		unlock, held, err := s.tryLock()
		if err != nil {
			return nil, err
		}
		if held == nil {
			return unlock, nil
		}
		t := time.NewTimer(lockPollInterval)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("%w (stopped waiting: %w)", held, ctx.Err())
		case <-t.C:
		}
	}
}

// tryLock makes one attempt. held is non-nil when another process has the lock.
func (s *Store) tryLock() (unlock func(), held *LockedError, err error) {
	s.lockMu.Lock()
	defer s.lockMu.Unlock()
	if s.lockDepth > 0 {
		s.lockDepth++
		return s.releaser(), nil, nil
	}
	path := s.Path(LockFile)
	if err := mkdirAllDurable(filepath.Dir(path), 0o755); err != nil {
		return nil, nil, lockError(path, err)
	}
	fl := flock.New(path, flock.SetPermissions(0o644))
	ok, err := fl.TryLock()
	if err != nil {
		return nil, nil, lockError(path, err)
	}
	if !ok {
		// The holder writes its PID just after taking the lock: give it a
		// moment so the message can name it.
		pid := readLockPID(path)
		for i := 0; pid == 0 && i < 20; i++ {
			time.Sleep(10 * time.Millisecond)
			pid = readLockPID(path)
		}
		return nil, &LockedError{PID: pid, Path: path}, nil
	}
	// Record our PID for whoever finds the lock taken. The lock is on the
	// file's inode, so it is written in place, never replaced.
	if err := os.WriteFile(path, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		_ = fl.Unlock()
		return nil, nil, lockError(path, err)
	}
	s.lockFile, s.lockDepth = fl, 1
	return s.releaser(), nil, nil
}

func (s *Store) releaser() func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			s.lockMu.Lock()
			defer s.lockMu.Unlock()
			s.lockDepth--
			if s.lockDepth > 0 {
				return
			}
			_ = os.Truncate(s.lockFile.Path(), 0) // no stale PID for the next reader
			_ = s.lockFile.Unlock()
			s.lockFile = nil
		})
	}
}

func lockError(path string, err error) error {
	var fe *FileError
	if errors.As(err, &fe) {
		return err
	}
	msg := writeError(path, err, false).Error()
	msg = strings.TrimSuffix(msg, fmt.Sprintf("; %s was not changed", path))
	return &FileError{Path: path, Err: err, msg: "cannot take the edge-setup lock: " + msg}
}

func readLockPID(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}
