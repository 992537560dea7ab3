package edgeprops

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// MaxReadSize bounds a read of one of the Edge's files (properties,
// config.dat, state, answers and secret files): none is near it, and a
// device file or a runaway file in their place must not exhaust memory.
const MaxReadSize = 4 << 20

// Sentinel errors of the safe file helpers (match with errors.Is).
var (
	ErrSymlink    = errors.New("is a symbolic link")
	ErrNotRegular = errors.New("is not a regular file")
	ErrTooLarge   = errors.New("is larger than the limit")
)

// openFlags never follow a link at the last path element, never block on
// a FIFO or a device at open, and never leak the descriptor to a command.
const openFlags = syscall.O_NOFOLLOW | syscall.O_NONBLOCK | syscall.O_CLOEXEC

// ReadFile reads path as edge-setup reads every local file: a symbolic
// link at path is refused (not followed), so is anything but a regular
// file (a FIFO, a device such as /dev/zero, a directory), and so is a file
// larger than max bytes (max <= 0 means MaxReadSize). Errors are
// *FileError with an operator message; a missing file still matches
// fs.ErrNotExist.
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := openRegular(path, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readBounded(f, path, max)
}

func tooLargeError(path string, max int64) error {
	return &FileError{Path: path, Err: ErrTooLarge,
		msg: fmt.Sprintf("%s is larger than %s, far more than such a file holds: check that it is the right file", path, sizeText(max))}
}

// OpenAppend opens path for appending (creating it with perm), refusing a
// symbolic link or a non-regular file in its place. Logs use it.
func OpenAppend(path string, perm os.FileMode) (*os.File, error) {
	return openRegular(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, perm)
}

// openRegular opens path with flag plus openFlags and checks, on the open
// descriptor (no race with a swap), that it is a regular file. The
// descriptor is switched back to blocking mode for ordinary I/O.
func openRegular(path string, flag int, perm os.FileMode) (*os.File, error) {
	return openRegularAt(unix.AT_FDCWD, path, path, flag, perm)
}

// openRegularAt is openRegular for name in the directory dirfd; path names
// the file in messages.
func openRegularAt(dirfd int, name, path string, flag int, perm os.FileMode) (*os.File, error) {
	fd, err := unix.Openat(dirfd, name, flag|openFlags, uint32(perm.Perm()))
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return nil, symlinkErrorAt(dirfd, name, path)
		}
		if errors.Is(err, syscall.EISDIR) {
			return nil, notRegularError(path, syscall.S_IFDIR)
		}
		if flag&os.O_WRONLY != 0 || flag&os.O_RDWR != 0 {
			return nil, writeError(path, err, false)
		}
		return nil, readError(path, err)
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		_ = syscall.Close(fd)
		return nil, readError(path, err)
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		_ = syscall.Close(fd)
		return nil, notRegularError(path, st.Mode)
	}
	if err := syscall.SetNonblock(fd, false); err != nil {
		_ = syscall.Close(fd)
		return nil, readError(path, err)
	}
	return os.NewFile(uintptr(fd), path), nil
}

// refuseSpecialAt returns an error when name exists in the directory dirfd
// and is a symbolic link or not a regular file: the files edge-setup
// writes are replaced only when they are plain files.
func refuseSpecialAt(dirfd int, name, path string) error {
	var st unix.Stat_t
	if err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return nil // missing (or unreadable: the write will say why)
	}
	switch st.Mode & syscall.S_IFMT {
	case syscall.S_IFREG:
		return nil
	case syscall.S_IFLNK:
		return symlinkErrorAt(dirfd, name, path)
	}
	return notRegularError(path, st.Mode)
}

func symlinkError(path string) error { return symlinkErrorAt(unix.AT_FDCWD, path, path) }

func symlinkErrorAt(dirfd int, name, path string) error {
	to := ""
	if t, err := readlinkAt(dirfd, name); err == nil {
		to = " to " + strconv.Quote(t)
	}
	return &FileError{Path: path, Err: ErrSymlink, msg: fmt.Sprintf(
		"%s is a symbolic link%s: edge-setup runs as root and does not read or write files through links; give the path of the file itself, or replace the link with the file (nothing was changed)", path, to)}
}

func notRegularError(path string, mode uint32) error {
	kind := "not a regular file"
	switch mode & syscall.S_IFMT {
	case syscall.S_IFDIR:
		kind = "a directory"
	case syscall.S_IFIFO:
		kind = "a named pipe (FIFO)"
	case syscall.S_IFCHR, syscall.S_IFBLK:
		kind = "a device"
	case syscall.S_IFSOCK:
		kind = "a socket"
	}
	return &FileError{Path: path, Err: ErrNotRegular, msg: fmt.Sprintf(
		"%s is %s, not a regular file: move it away so edge-setup can use a file of its own there (nothing was changed)", path, kind)}
}

func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	if n >= 1<<10 && n%(1<<10) == 0 {
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
