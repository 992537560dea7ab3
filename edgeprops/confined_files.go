package edgeprops

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// WriteFile replaces path (under the root) atomically and durably, as
// WriteFileAtomic says; missing directories are created (0755).
func (r Root) WriteFile(path string, data []byte, perm os.FileMode) error {
	dir, name, err := r.parent(path, walkOpts{create: true, perm: 0o755})
	if err != nil {
		return writeError(path, err, false)
	}
	defer dir.Close()
	return writeAtomicAt(int(dir.Fd()), dir.Name(), name, data, perm, KeepOwner)
}

// ReadFile reads path (under the root) as the package's ReadFile does: no
// link at path, only a regular file, at most max bytes.
func (r Root) ReadFile(path string, max int64) ([]byte, error) {
	data, _, err := r.ReadFileInfo(path, max)
	return data, err
}

// ReadFileInfo is ReadFile that also returns what fstat says of the file
// read (its mode, owner, link count), from the same descriptor.
func (r Root) ReadFileInfo(path string, max int64) ([]byte, fs.FileInfo, error) {
	dir, name, err := r.parent(path, walkOpts{})
	if err != nil {
		return nil, nil, readError(path, err)
	}
	defer dir.Close()
	return ReadFileIn(dir, name, max)
}

// ReadFileIn reads name in the open directory dir like ReadFileInfo.
func ReadFileIn(dir *os.File, name string, max int64) ([]byte, fs.FileInfo, error) {
	path := filepath.Join(dir.Name(), name)
	f, err := openRegularAt(int(dir.Fd()), name, path, os.O_RDONLY, 0)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, readError(path, unwrapPathError(err))
	}
	data, err := readBounded(f, path, max)
	return data, fi, err
}

func readBounded(f *os.File, path string, max int64) ([]byte, error) {
	if max <= 0 {
		max = MaxReadSize
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, readError(path, unwrapPathError(err))
	}
	if int64(len(data)) > max {
		return nil, tooLargeError(path, max)
	}
	return data, nil
}

// OpenAppend opens the log at path (under the root) for appending,
// creating it with perm and its directory (0755) when missing; a link or a
// non-regular file at path is refused.
func (r Root) OpenAppend(path string, perm os.FileMode) (*os.File, error) {
	return r.openFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, perm)
}

// openFile opens path (under the root) with flag, creating its directory
// (0755) when flag has O_CREATE; a link or non-regular file is refused.
func (r Root) openFile(path string, flag int, perm os.FileMode) (*os.File, error) {
	dir, name, err := r.parent(path, walkOpts{create: flag&os.O_CREATE != 0, perm: 0o755})
	if err != nil {
		return nil, writeError(path, err, false)
	}
	defer dir.Close()
	return openRegularAt(int(dir.Fd()), name, path, flag, perm)
}

// Remove removes the file at path (under the root) durably; a missing file
// is fine. A link is removed, not followed.
func (r Root) Remove(path string) error {
	dir, name, err := r.parent(path, walkOpts{})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return writeError(path, err, false)
	}
	defer dir.Close()
	err = unix.Unlinkat(int(dir.Fd()), name, 0)
	if errors.Is(err, syscall.ENOENT) {
		return nil
	}
	if err != nil {
		return writeError(path, &fs.PathError{Op: "remove", Path: path, Err: err}, false)
	}
	if err := syncDirFD(int(dir.Fd()), dir.Name()); err != nil {
		return writeError(path, err, true)
	}
	return nil
}

// RemoveTempsIn removes, from the open directory dir, the regular files,
// links and other non-directories whose names match (crash leftovers),
// durably; it returns their paths.
func RemoveTempsIn(dir *os.File, match func(name string) bool) []string {
	dup, err := unix.Dup(int(dir.Fd()))
	if err != nil {
		return nil
	}
	unix.CloseOnExec(dup)
	d := os.NewFile(uintptr(dup), dir.Name())
	defer d.Close()
	entries, err := d.ReadDir(-1)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range entries {
		if e.IsDir() || !match(e.Name()) {
			continue
		}
		if unix.Unlinkat(int(dir.Fd()), e.Name(), 0) == nil {
			removed = append(removed, filepath.Join(dir.Name(), e.Name()))
		}
	}
	if len(removed) > 0 {
		_ = fsyncFD(int(dir.Fd()))
	}
	return removed
}

// ReadDir lists the directory path (under the root) by name.
func (r Root) ReadDir(path string) ([]fs.DirEntry, error) {
	dir, err := r.OpenDir(path)
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	return dir.ReadDir(-1)
}

// Lstat describes path (under the root) without following a link at its
// last element.
func (r Root) Lstat(path string) (fs.FileInfo, error) {
	dir, name, err := r.parent(path, walkOpts{})
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	var st unix.Stat_t
	if err := unix.Fstatat(int(dir.Fd()), name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return nil, &fs.PathError{Op: "lstat", Path: path, Err: err}
	}
	return statInfo{name: name, st: st}, nil
}

// statInfo is an fs.FileInfo of a unix.Stat_t.
type statInfo struct {
	name string
	st   unix.Stat_t
}

func (s statInfo) Name() string       { return s.name }
func (s statInfo) Size() int64        { return s.st.Size }
func (s statInfo) ModTime() time.Time { return time.Unix(s.st.Mtim.Unix()) }
func (s statInfo) IsDir() bool        { return s.Mode().IsDir() }
func (s statInfo) Sys() any           { return &s.st }
func (s statInfo) Mode() fs.FileMode {
	m := fs.FileMode(s.st.Mode & 0o777)
	switch s.st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		m |= fs.ModeDir
	case unix.S_IFLNK:
		m |= fs.ModeSymlink
	case unix.S_IFIFO:
		m |= fs.ModeNamedPipe
	case unix.S_IFSOCK:
		m |= fs.ModeSocket
	case unix.S_IFCHR:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case unix.S_IFBLK:
		m |= fs.ModeDevice
	}
	return m
}
