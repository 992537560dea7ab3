package edgeprops

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// FileError is a failed read or write of one of the Edge's files. Its message
// says what happened and what to do; Unwrap gives the underlying error (so
// errors.Is(err, syscall.ENOSPC) and errors.Is(err, fs.ErrNotExist) work).
type FileError struct {
	Path string
	Err  error
	msg  string
}

func (e *FileError) Error() string { return e.msg }
func (e *FileError) Unwrap() error { return e.Err }

// writeError describes a failed write of path. changed says whether the file
// was already replaced when the error happened.
func writeError(path string, err error, changed bool) error {
	var fe *FileError
	if errors.As(err, &fe) {
		return err
	}
	var msg string
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		msg = fmt.Sprintf("the disk holding %s is full: free some space and try again", path)
	case errors.Is(err, syscall.EROFS):
		msg = fmt.Sprintf("the file system holding %s is read-only: remount it read-write (or check the disk for errors) and try again", path)
	case errors.Is(err, syscall.EPERM) && os.Geteuid() == 0:
		// Root is refused only by a file attribute or a security policy.
		msg = fmt.Sprintf("writing %s was refused although edge-setup runs as root: the file or its directory is probably immutable or append-only (check with lsattr, clear with chattr -i) or protected by a security policy", path)
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		msg = fmt.Sprintf("permission denied writing %s: run as root", path)
	case errors.Is(err, syscall.EIO):
		msg = fmt.Sprintf("input/output error writing %s: the disk may be failing; check the system log (dmesg) before trying again", path)
	case errors.Is(err, syscall.ENOTDIR):
		msg = fmt.Sprintf("cannot write %s: a part of its directory path is a file, not a directory; move that file away and try again", path)
	default:
		msg = fmt.Sprintf("cannot write %s: %v", path, err)
	}
	if changed {
		msg += fmt.Sprintf("; the change to %s was made but may not survive a power loss", path)
	} else {
		msg += fmt.Sprintf("; %s was not changed", path)
	}
	return &FileError{Path: path, Err: err, msg: msg}
}

// readError describes a failed read of path.
func readError(path string, err error) error {
	var fe *FileError
	if errors.As(err, &fe) {
		return err // already says what happened (ReadFile, CheckUnderRoot)
	}
	var msg string
	switch {
	case errors.Is(err, fs.ErrNotExist):
		msg = fmt.Sprintf("%s does not exist: check the path and try again", path)
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		msg = fmt.Sprintf("permission denied reading %s: run as root", path)
	case errors.Is(err, syscall.EISDIR):
		msg = fmt.Sprintf("%s is a directory, not a file: give the path of a file", path)
	case errors.Is(err, syscall.EIO):
		msg = fmt.Sprintf("input/output error reading %s: the disk may be failing; check the system log (dmesg)", path)
	default:
		msg = fmt.Sprintf("cannot read %s: %v", path, err)
	}
	return &FileError{Path: path, Err: err, msg: msg}
}

// damagedError describes a file whose content cannot be used.
func damagedError(path string, err error, fix string) error {
	return &FileError{Path: path, Err: err, msg: fmt.Sprintf("%s is damaged: %v; %s", path, err, fix)}
}
