package edgeprops

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// failAt, when set (by tests), is called before each step of WriteFileAtomic
// ("mkdir", "create", "write", "sync", "chmod", "close", "rename", "syncdir")
// and a non-nil result fails that step as if the system call had.
var failAt func(step string) error

func step(name string) error {
	if failAt == nil {
		return nil
	}
	return failAt(name)
}

// WriteFileAtomic replaces path with data so that, even across a crash or
// power loss, path holds either its old or its new content, never a mix:
// it writes a temporary file in the same directory (mode 0600 while being
// written), fsyncs it, sets perm, renames it over path and fsyncs the
// directory. Missing parent directories are created (0755) and made durable.
// An existing file keeps its owner and group. A symbolic link, a directory
// or any other non-regular file at path is refused, never followed or
// replaced (edge-setup runs as root).
//
// On an error path is left untouched, the temporary file is removed and the
// error (a *FileError) says what happened and what to do. Files under
// --root are written with WriteFileUnder (Root.WriteFile), which keeps the
// directory walk inside the root.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	return NewRoot("/").WriteFile(path, data, perm)
}

// Owner is the owner and group a file written with WriteFileIn gets.
type Owner struct{ UID, GID int }

// KeepOwner (the zero-value pointer) keeps the owner of the file replaced.
var KeepOwner *Owner

// WriteFileIn is WriteFileAtomic for the file name in the open directory
// dir (a descriptor from Root.OpenDir): every step is relative to the
// descriptor. With owner non-nil the file gets that owner (fchown on the
// temporary file's descriptor before it is renamed into place).
func WriteFileIn(dir *os.File, name string, data []byte, perm os.FileMode, owner *Owner) error {
	return writeAtomicAt(int(dir.Fd()), dir.Name(), name, data, perm, owner)
}

func writeAtomicAt(dirfd int, dirPath, name string, data []byte, perm os.FileMode, owner *Owner) error {
	path := filepath.Join(dirPath, name)
	if err := refuseSpecialAt(dirfd, name, path); err != nil {
		return err
	}
	if err := step("create"); err != nil {
		return writeError(path, &fs.PathError{Op: "create", Path: dirPath, Err: err}, false)
	}
	tmpName, fd, err := createTempAt(dirfd, name)
	if err != nil {
		return writeError(path, &fs.PathError{Op: "create", Path: dirPath, Err: err}, false)
	}
	tmp := filepath.Join(dirPath, tmpName)
	f := os.NewFile(uintptr(fd), tmp)
	fail := func(op string, err error) error {
		_ = f.Close()
		_ = unix.Unlinkat(dirfd, tmpName, 0)
		return writeError(path, &fs.PathError{Op: op, Path: tmp, Err: err}, false)
	}
	if err := step("write"); err != nil {
		return fail("write", err)
	}
	if _, err := f.Write(data); err != nil {
		return fail("write", unwrapPathError(err))
	}
	if err := step("sync"); err != nil {
		return fail("sync", err)
	}
	if err := f.Sync(); err != nil {
		return fail("sync", unwrapPathError(err))
	}
	if err := step("chmod"); err != nil {
		return fail("chmod", err)
	}
	if owner != nil {
		if err := f.Chown(owner.UID, owner.GID); err != nil {
			return fail("chown", unwrapPathError(err))
		}
	} else {
		keepOwnerAt(f, dirfd, name)
	}
	if err := f.Chmod(perm); err != nil { // after chown, which may clear set-id bits
		return fail("chmod", unwrapPathError(err))
	}
	if err := step("close"); err != nil {
		return fail("close", err)
	}
	if err := f.Close(); err != nil {
		_ = unix.Unlinkat(dirfd, tmpName, 0)
		return writeError(path, err, false)
	}
	err = step("rename")
	if err == nil {
		err = unix.Renameat(dirfd, tmpName, dirfd, name)
	}
	if err != nil {
		_ = unix.Unlinkat(dirfd, tmpName, 0)
		return writeError(path, &os.LinkError{Op: "rename", Old: tmp, New: path, Err: err}, false)
	}
	if err := syncDirFD(dirfd, dirPath); err != nil {
		return writeError(path, err, true)
	}
	return nil
}

// createTempAt creates ".<name>.tmp-<digits>" (mode 0600, never through a
// link) in dirfd: the name RemoveLeftovers knows.
func createTempAt(dirfd int, name string) (string, int, error) {
	for i := 0; ; i++ {
		var b [4]byte
		_, _ = rand.Read(b[:])
		tmp := "." + name + ".tmp-" + strconv.FormatUint(uint64(binary.LittleEndian.Uint32(b[:])), 10)
		fd, err := unix.Openat(dirfd, tmp, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
		if errors.Is(err, syscall.EEXIST) && i < 100 {
			continue
		}
		return tmp, fd, err
	}
}

// keepOwnerAt gives the temporary file the owner and group of the file it
// replaces (the Edge agent may not run as root). Failing that is not an
// error: the file is then owned by whoever runs edge-setup.
func keepOwnerAt(f *os.File, dirfd int, name string) {
	var st unix.Stat_t
	if unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW) != nil {
		return
	}
	if st.Uid != uint32(os.Geteuid()) || st.Gid != uint32(os.Getegid()) {
		_ = f.Chown(int(st.Uid), int(st.Gid))
	}
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// syncDirFD fsyncs the directory dirfd so that a rename or create in it is durable.
func syncDirFD(dirfd int, dirPath string) error {
	if err := step("syncdir"); err != nil {
		return &fs.PathError{Op: "fsync", Path: dirPath, Err: err}
	}
	if err := fsyncFD(dirfd); err != nil {
		return &fs.PathError{Op: "fsync", Path: dirPath, Err: err}
	}
	return nil
}
