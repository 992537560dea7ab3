package edgeprops

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Store gives access to the Edge's files under one root directory. It is safe
// for concurrent use. Create it with New.
type Store struct {
	root string

	// mu serialises read-modify-write sequences of this Store.
	mu sync.Mutex

	// lockMu guards the process lock below (see lock.go).
	lockMu    sync.Mutex
	lockFile  *os.File
	lockDepth int
}

// New returns a Store for the files under root ("/" on a real Edge).
func New(root string) *Store {
	if root == "" {
		root = "/"
	}
	return &Store{root: filepath.Clean(root)}
}

// Root returns the root directory the Store works under.
func (s *Store) Root() string { return s.root }

// Path returns the absolute path of rel (one of the path constants) under the root.
func (s *Store) Path(rel string) string { return filepath.Join(s.root, rel) }

// writeLockWait bounds how long a single write waits for another process's
// lock before it gives up with a *LockedError.
var writeLockWait = 10 * time.Second

// update runs fn, a read-modify-write of files, serialised with the other
// updates of this Store and under the process lock (taken for the duration of
// fn unless this Store already holds it).
func (s *Store) update(fn func() error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), writeLockWait)
	defer cancel()
	unlock, err := s.LockWait(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	return fn()
}
