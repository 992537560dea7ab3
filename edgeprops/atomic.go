package edgeprops

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
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
// error (a *FileError) says what happened and what to do.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	if err := refuseSpecial(path); err != nil {
		return err
	}
	target := path
	dir := filepath.Dir(target)
	if err := mkdirAllDurable(dir, 0o755); err != nil {
		return writeError(path, err, false)
	}

	if err := step("create"); err != nil {
		return writeError(path, &fs.PathError{Op: "create", Path: dir, Err: err}, false)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return writeError(path, err, false)
	}
	tmp := f.Name()
	fail := func(op string, err error) error {
		_ = f.Close()
		_ = os.Remove(tmp)
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
	if err := f.Chmod(perm); err != nil {
		return fail("chmod", unwrapPathError(err))
	}
	keepOwner(f, target)
	if err := step("close"); err != nil {
		return fail("close", err)
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(tmp)
		return writeError(path, err, false)
	}
	err = step("rename")
	if err == nil {
		err = os.Rename(tmp, target)
	} else {
		err = &os.LinkError{Op: "rename", Old: tmp, New: target, Err: err}
	}
	if err != nil {
		_ = os.Remove(tmp)
		return writeError(path, err, false)
	}
	if err := syncDir(dir); err != nil {
		return writeError(path, err, true)
	}
	return nil
}

// keepOwner gives the temporary file the owner and group of the file it
// replaces (the Edge agent may not run as root). Failing that is not an
// error: the file is then owned by whoever runs edge-setup.
func keepOwner(f *os.File, target string) {
	fi, err := os.Stat(target)
	if err != nil {
		return
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		if st.Uid != uint32(os.Geteuid()) || st.Gid != uint32(os.Getegid()) {
			_ = f.Chown(int(st.Uid), int(st.Gid))
		}
	}
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// syncDir fsyncs a directory so that a rename or create in it is durable.
func syncDir(dir string) error {
	if err := step("syncdir"); err != nil {
		return &fs.PathError{Op: "fsync", Path: dir, Err: err}
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return err // EINVAL: the file system does not sync directories
	}
	return nil
}

// mkdirAllDurable creates dir and its missing parents with perm and fsyncs
// the parent of each directory it creates.
func mkdirAllDurable(dir string, perm os.FileMode) error {
	if fi, err := os.Stat(dir); err == nil {
		if !fi.IsDir() {
			return &fs.PathError{Op: "mkdir", Path: dir, Err: syscall.ENOTDIR}
		}
		return nil
	}
	if err := step("mkdir"); err != nil {
		return &fs.PathError{Op: "mkdir", Path: dir, Err: err}
	}
	// find the first missing ancestor
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			break
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	if err := os.MkdirAll(dir, perm); err != nil {
		return err
	}
	for _, d := range missing {
		if err := syncDir(filepath.Dir(d)); err != nil {
			return err
		}
	}
	return nil
}
