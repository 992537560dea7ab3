package edgeprops

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// ErrOutsideRoot says that a path leads out of the --root directory.
var ErrOutsideRoot = errors.New("is outside the root directory")

// CheckUnderRoot reports, without changing anything, whether path stays
// under root: lexically and through the links of its existing directories
// (links that stay inside the root are fine). It answers a question only;
// the reads and writes themselves go through Root, which stays inside the
// root while it acts.
func CheckUnderRoot(root, path string) error {
	r := NewRoot(root)
	dir, _, err := r.parent(path, walkOpts{})
	if dir != nil {
		_ = dir.Close()
	}
	if errors.Is(err, ErrOutsideRoot) {
		return err
	}
	return nil
}

// within reports whether p is dir or below it (both clean and absolute).
func within(dir, p string) bool {
	if dir == "/" {
		return strings.HasPrefix(p, "/")
	}
	return p == dir || strings.HasPrefix(p, dir+"/")
}

func outsideRootError(root, path, how string) error {
	return &FileError{Path: path, Err: ErrOutsideRoot, msg: fmt.Sprintf(
		"%s is outside the root directory %s%s: edge-setup reads and writes only under its root and does not follow links out of it; remove the link or correct the path (nothing was changed)", path, root, how)}
}

// WriteFileUnder is WriteFileAtomic for a file that must stay under root
// (Root.WriteFile).
func WriteFileUnder(root, path string, data []byte, perm os.FileMode) error {
	return NewRoot(root).WriteFile(path, data, perm)
}

// OpenAppendUnder is OpenAppend for a log that must stay under root; it
// creates the log's directory (0755) when missing (Root.OpenAppend).
func OpenAppendUnder(root, path string, perm os.FileMode) (*os.File, error) {
	return NewRoot(root).OpenAppend(path, perm)
}

// ReadFileUnder is ReadFile for a file that must be under root (Root.ReadFile).
func ReadFileUnder(root, path string, max int64) ([]byte, error) {
	return NewRoot(root).ReadFile(path, max)
}

// RemoveUnder removes the file at path under root (a missing file is fine),
// refusing a path that leads out of root. A link is removed, not followed.
func RemoveUnder(root, path string) error {
	return NewRoot(root).Remove(path)
}

// confined is the Store's root handle.
func (s *Store) confined() Root { return NewRoot(s.root) }

// WriteFile writes path (under the Store's root) atomically; see WriteFileUnder.
func (s *Store) WriteFile(path string, data []byte, perm os.FileMode) error {
	return s.confined().WriteFile(path, data, perm)
}

// ReadFile reads path (under the Store's root); see ReadFileUnder.
func (s *Store) ReadFile(path string, max int64) ([]byte, error) {
	return s.confined().ReadFile(path, max)
}

// OpenAppend opens the log at path (under the Store's root); see OpenAppendUnder.
func (s *Store) OpenAppend(path string, perm os.FileMode) (*os.File, error) {
	return s.confined().OpenAppend(path, perm)
}
