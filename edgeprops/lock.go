package edgeprops

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
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
// process dies. Taking it (not re-entering it) removes the temporary files a
// crashed run left behind (RemoveLeftovers).
func (s *Store) Lock() (unlock func(), err error) {
	unlock, held, err := s.tryLock(true)
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
		unlock, held, err := s.tryLock(false)
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
// With leftovers, taking the lock removes the temporary files a crashed
// run left behind (RemoveLeftovers): the commands and the menu take the
// lock this way when they start.
func (s *Store) tryLock(leftovers bool) (unlock func(), held *LockedError, err error) {
	s.lockMu.Lock()
	defer s.lockMu.Unlock()
	if s.lockDepth > 0 {
		s.lockDepth++
		return s.releaser(), nil, nil
	}
	path := s.Path(LockFile)
	// Opened without following a link and only when it is a regular file:
	// a link or a device at the lock path is refused, never truncated.
	f, err := s.confined().openFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, nil, lockError(path, err)
	}
	if err := flockNB(f); err != nil {
		_ = f.Close()
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, nil, lockError(path, err)
		}
		// The holder writes its PID just after taking the lock: give it a
		// moment so the message can name it.
		pid := readLockPID(s, path)
		for i := 0; pid == 0 && i < 20; i++ {
			time.Sleep(10 * time.Millisecond)
			pid = readLockPID(s, path)
		}
		return nil, &LockedError{PID: pid, Path: path}, nil
	}
	// Record our PID for whoever finds the lock taken. The lock is on the
	// file's inode, so it is written in place (on our descriptor), never replaced.
	if err := writePID(f); err != nil {
		_ = f.Close() // releases the lock
		return nil, nil, lockError(path, err)
	}
	s.lockFile, s.lockDepth = f, 1
	if leftovers {
		s.RemoveLeftovers() // nobody else is writing now
	}
	return s.releaser(), nil, nil
}

func flockNB(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

func writePID(f *os.File) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return err
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
			_ = s.lockFile.Truncate(0) // no stale PID for the next reader
			_ = s.lockFile.Close()     // releases the flock
			s.lockFile = nil
		})
	}
}

func lockError(path string, err error) error {
	var fe *FileError
	if errors.As(err, &fe) {
		return &FileError{Path: path, Err: err, msg: "cannot take the edge-setup lock: " + fe.msg}
	}
	msg := writeError(path, err, false).Error()
	msg = strings.TrimSuffix(msg, fmt.Sprintf("; %s was not changed", path))
	return &FileError{Path: path, Err: err, msg: "cannot take the edge-setup lock: " + msg}
}

func readLockPID(s *Store, path string) int {
	b, err := s.ReadFile(path, 64)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}
