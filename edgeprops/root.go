package edgeprops

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrOutsideRoot says that a path leads out of the --root directory.
var ErrOutsideRoot = errors.New("is outside the root directory")

// CheckUnderRoot checks that path stays under root, the --root directory every
// file edge-setup writes lives under: lexically (a ".." that climbs out is
// refused) and through links (every existing directory on the way, with its
// links resolved, is root or inside it; links that stay inside the root are
// fine). The last element itself is not resolved: the writers refuse a link
// there anyway. Under root "/" every absolute path is inside.
//
// The check runs before the write, so a link swapped in between the two is
// not caught; it stops hostile files that are in place before edge-setup
// starts, which is what an operator's mistakes and planted links are.
func CheckUnderRoot(root, path string) error {
	if root == "" {
		root = "/"
	}
	root = filepath.Clean(root)
	clean := filepath.Clean(path)
	if !filepath.IsAbs(clean) || !within(root, clean) {
		return outsideRootError(root, path, "")
	}
	if root == "/" {
		return nil
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil // a missing root is created by the writer (and stays a plain directory)
	}
	// the deepest existing directory on the way to path
	dir := filepath.Dir(clean)
	for {
		if _, err := os.Lstat(dir); err == nil || !errors.Is(err, fs.ErrNotExist) {
			break
		}
		if !within(root, filepath.Dir(dir)) {
			return nil
		}
		dir = filepath.Dir(dir)
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil // unreadable or dangling: the write itself will say why
	}
	if !within(realRoot, real) {
		return outsideRootError(root, path, fmt.Sprintf(" (%s leads to %s)", dir, real))
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

// WriteFileUnder is WriteFileAtomic for a file that must stay under root.
func WriteFileUnder(root, path string, data []byte, perm os.FileMode) error {
	if err := CheckUnderRoot(root, path); err != nil {
		return err
	}
	return WriteFileAtomic(path, data, perm)
}

// OpenAppendUnder is OpenAppend for a log that must stay under root; it
// creates the log's directory (0755) when missing.
func OpenAppendUnder(root, path string, perm os.FileMode) (*os.File, error) {
	if err := CheckUnderRoot(root, path); err != nil {
		return nil, err
	}
	if err := mkdirAllDurable(filepath.Dir(path), 0o755); err != nil {
		return nil, writeError(path, err, false)
	}
	return OpenAppend(path, perm)
}

// ReadFileUnder is ReadFile for a file that must be under root.
func ReadFileUnder(root, path string, max int64) ([]byte, error) {
	if err := CheckUnderRoot(root, path); err != nil {
		return nil, err
	}
	return ReadFile(path, max)
}

// RemoveUnder removes the file at path under root (a missing file is fine),
// refusing a path that leads out of root. A link is removed, not followed.
func RemoveUnder(root, path string) error {
	if err := CheckUnderRoot(root, path); err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return writeError(path, err, false)
	}
	return nil
}

// WriteFile writes path (under the Store's root) atomically; see WriteFileUnder.
func (s *Store) WriteFile(path string, data []byte, perm os.FileMode) error {
	return WriteFileUnder(s.root, path, data, perm)
}

// ReadFile reads path (under the Store's root); see ReadFileUnder.
func (s *Store) ReadFile(path string, max int64) ([]byte, error) {
	return ReadFileUnder(s.root, path, max)
}

// OpenAppend opens the log at path (under the Store's root); see OpenAppendUnder.
func (s *Store) OpenAppend(path string, perm os.FileMode) (*os.File, error) {
	return OpenAppendUnder(s.root, path, perm)
}
