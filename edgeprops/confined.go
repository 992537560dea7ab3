package edgeprops

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Root is the --root directory as a confined handle: every file edge-setup
// reads or writes under --root goes through it. An operation walks from the
// root's descriptor one path element at a time (openat with O_NOFOLLOW),
// resolves links itself, refuses a link that leads out of the root, and
// then acts relative to the descriptor of the file's own directory. So a
// directory swapped for a link while edge-setup works cannot carry a read
// or a write out of the root: no check is separate from the act.
//
// It is like os.Root, which edge-setup cannot use as is: os.Root refuses
// every absolute link, and a real system has many that stay inside (/var/run
// -> /run), and links that stay inside the root are fine here.
type Root struct {
	dir string // clean and absolute
}

// NewRoot returns the confined handle of the directory dir ("/" on an Edge).
func NewRoot(dir string) Root {
	if dir == "" {
		dir = "/"
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return Root{dir: filepath.Clean(dir)}
}

// Dir is the root directory's path.
func (r Root) Dir() string { return r.dir }

// maxLinkHops bounds the links followed in one walk, like the kernel's 40.
const maxLinkHops = 40

// walkOpts say how a walk treats missing directories and links.
type walkOpts struct {
	create bool        // create missing directories (durably)
	perm   os.FileMode // of the created directories
	// userLinks: the walk leads into a directory a local user owns, so a
	// link is followed only in a directory that only root can change.
	userLinks bool
}

// OpenDir opens the directory path (absolute, under the root), following
// links that stay inside the root. The *os.File is the directory's
// descriptor: act on its files with the *In functions.
func (r Root) OpenDir(path string) (*os.File, error) {
	return r.openDir(path, walkOpts{})
}

// OpenUserDir is OpenDir for the way to a directory a local user owns (a
// home directory): a link on the way is followed only when it lies in a
// directory that only root can change (owned by root, not group or world
// writable), so a user cannot point the walk elsewhere with a link of theirs.
// The check applies when edge-setup runs as root (otherwise it can reach
// nothing the user cannot).
func (r Root) OpenUserDir(path string) (*os.File, error) {
	return r.openDir(path, walkOpts{userLinks: os.Geteuid() == 0})
}

// MkdirAll creates the directory path and its missing parents (mode perm)
// under the root, durably, and opens it.
func (r Root) MkdirAll(path string, perm os.FileMode) (*os.File, error) {
	return r.openDir(path, walkOpts{create: true, perm: perm})
}

func (r Root) openDir(path string, o walkOpts) (*os.File, error) {
	elems, err := r.elements(path)
	if err != nil {
		return nil, err
	}
	fd, err := r.walk(path, elems, o)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), filepath.Clean(path)), nil
}

// parent opens the directory of path and returns it with path's last element.
func (r Root) parent(path string, o walkOpts) (*os.File, string, error) {
	elems, err := r.elements(path)
	if err != nil {
		return nil, "", err
	}
	if len(elems) == 0 {
		return nil, "", &fs.PathError{Op: "open", Path: path, Err: syscall.EISDIR}
	}
	fd, err := r.walk(filepath.Dir(filepath.Clean(path)), elems[:len(elems)-1], o)
	if err != nil {
		return nil, "", err
	}
	return os.NewFile(uintptr(fd), filepath.Dir(filepath.Clean(path))), elems[len(elems)-1], nil
}

// elements are path's elements below the root; a path that is not
// absolute or that climbs out of the root is refused.
func (r Root) elements(path string) ([]string, error) {
	clean := filepath.Clean(path)
	if !filepath.IsAbs(clean) || !within(r.dir, clean) {
		return nil, outsideRootError(r.dir, path, "")
	}
	return splitPath(strings.TrimPrefix(clean, r.dir)), nil
}

func splitPath(p string) []string {
	var out []string
	for _, e := range strings.Split(p, "/") {
		if e != "" && e != "." {
			out = append(out, e)
		}
	}
	return out
}

// walk opens the directory elems (below the root) and returns its
// descriptor. path is only for messages.
func (r Root) walk(path string, elems []string, o walkOpts) (int, error) {
	rootFD, err := r.openRootDir(o.create)
	if err != nil {
		return -1, err
	}
	stack := []int{rootFD} // descriptors of the directories walked
	names := []string{""}  // their names, for messages
	closeAll := func(keep int) {
		for _, fd := range stack {
			if fd != keep {
				_ = unix.Close(fd)
			}
		}
	}
	here := func() string { return filepath.Join(append([]string{r.dir}, names...)...) }
	queue := append([]string(nil), elems...)
	hops := 0
	for len(queue) > 0 {
		e := queue[0]
		queue = queue[1:]
		top := stack[len(stack)-1]
		switch e {
		case "", ".":
			continue
		case "..":
			if len(stack) == 1 && r.dir == "/" {
				continue // the kernel's rule: /.. is /
			}
			if len(stack) == 1 {
				closeAll(-1)
				return -1, outsideRootError(r.dir, path, fmt.Sprintf(" (a link on the way leads above %s)", r.dir))
			}
			_ = unix.Close(top)
			stack, names = stack[:len(stack)-1], names[:len(names)-1]
			continue
		}
		fd, err := openDirAt(top, e)
		if errors.Is(err, syscall.ENOENT) && o.create {
			if err = step("mkdir"); err == nil {
				err = unix.Mkdirat(top, e, uint32(o.perm.Perm()))
				if err == nil {
					err = fsyncFD(top)
				}
				if errors.Is(err, syscall.EEXIST) {
					err = nil
				}
			}
			if err == nil {
				fd, err = openDirAt(top, e)
			}
		}
		if errors.Is(err, syscall.ELOOP) || errors.Is(err, syscall.ENOTDIR) {
			target, lerr := readlinkAt(top, e)
			if lerr != nil { // not a link: a file where a directory should be
				closeAll(-1)
				return -1, &fs.PathError{Op: "open", Path: filepath.Join(here(), e), Err: syscall.ENOTDIR}
			}
			link := filepath.Join(here(), e)
			if hops++; hops > maxLinkHops {
				closeAll(-1)
				return -1, &fs.PathError{Op: "open", Path: link, Err: syscall.ELOOP}
			}
			if o.userLinks && !onlyRootChanges(top) {
				closeAll(-1)
				return -1, userLinkError(link, target)
			}
			if !filepath.IsAbs(target) {
				queue = append(splitPath(target), queue...)
				continue
			}
			rel, ok := r.inside(filepath.Clean(target))
			if !ok {
				closeAll(-1)
				return -1, outsideRootError(r.dir, path, fmt.Sprintf(" (%s leads to %s)", link, target))
			}
			closeAll(rootFD) // start again from the root
			stack, names = []int{rootFD}, []string{""}
			queue = append(splitPath(rel), queue...)
			continue
		}
		if err != nil {
			closeAll(-1)
			return -1, &fs.PathError{Op: "open", Path: filepath.Join(here(), e), Err: err}
		}
		stack, names = append(stack, fd), append(names, e)
	}
	last := stack[len(stack)-1]
	closeAll(last)
	return last, nil
}

// openRootDir opens the root directory itself (the operator named it, so
// links in its own path are followed); a missing root is created on a write.
func (r Root) openRootDir(create bool) (int, error) {
	fd, err := unix.Open(r.dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if errors.Is(err, syscall.ENOENT) && create {
		if err = os.MkdirAll(r.dir, 0o755); err == nil {
			fd, err = unix.Open(r.dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
		}
	}
	if err != nil {
		return -1, &fs.PathError{Op: "open", Path: r.dir, Err: err}
	}
	return fd, nil
}

// inside maps an absolute link target to its path below the root, when it
// is in the root (by the root's path or by its resolved path).
func (r Root) inside(target string) (string, bool) {
	if within(r.dir, target) {
		return strings.TrimPrefix(target, r.dir), true
	}
	if real, err := filepath.EvalSymlinks(r.dir); err == nil && real != r.dir && within(real, target) {
		return strings.TrimPrefix(target, real), true
	}
	return "", false
}

func openDirAt(dirfd int, name string) (int, error) {
	for {
		fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
		if !errors.Is(err, syscall.EINTR) {
			return fd, err
		}
	}
}

func readlinkAt(dirfd int, name string) (string, error) {
	buf := make([]byte, 4096)
	n, err := unix.Readlinkat(dirfd, name, buf)
	if err != nil {
		return "", err
	}
	return string(buf[:n]), nil
}

// onlyRootChanges reports whether the directory fd is owned by root and
// not writable by group or others.
func onlyRootChanges(fd int) bool {
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil {
		return false
	}
	return st.Uid == 0 && st.Mode&0o022 == 0
}

func userLinkError(link, target string) error {
	return &FileError{Path: link, Err: ErrSymlink, msg: fmt.Sprintf(
		"%s is a symbolic link (to %q) in a directory a local user can change: edge-setup runs as root and does not follow such links on the way to a user's files; replace the link with the directory itself (nothing was changed)", link, target)}
}

func fsyncFD(fd int) error {
	if err := unix.Fsync(fd); err != nil && !errors.Is(err, syscall.EINVAL) {
		return err // EINVAL: the file system does not sync directories
	}
	return nil
}
