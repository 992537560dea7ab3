package remoteaccess

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/edge-setup/edge-setup/edgeprops"
)

// userKeys is a user's ~/.ssh/authorized_keys opened the way a careful
// system tool does it, as root, in a home directory the user controls: the
// home directory is opened through the confined root, and from its
// descriptor .ssh and authorized_keys are opened without following any
// link; every later step (create, write, rename, owner, mode) acts on
// these descriptors, so a link or a directory swapped in meanwhile cannot
// redirect it. What cannot be made safe is refused before anything changes.
type userKeys struct {
	acct    Account
	home    *os.File // the home directory's descriptor
	ssh     *os.File // .ssh's descriptor; nil while .ssh does not exist
	sshPath string
	path    string // authorized_keys, for messages
	data    []byte // its content
	existed bool
	owner   *edgeprops.Owner // set when the uids are this system's
}

const sshDirName, keysName = ".ssh", "authorized_keys"

// realOwners reports whether the passwd uids under root are this
// system's: edge-setup runs as root on the real root. Under a sandbox root
// the files keep the owner they get (the uids are not this system's).
// Tests replace it to check owners in a sandbox.
var realOwners = func(root string) bool {
	return os.Geteuid() == 0 && edgeprops.NewRoot(root).Dir() == "/"
}

// openUserKeys opens and reads a's authorized_keys under root; a missing
// .ssh or file is fine (nothing read). Close it when done.
func openUserKeys(root string, a Account, createHome bool) (*userKeys, error) {
	r := edgeprops.NewRoot(root)
	homePath := filepath.Join(r.Dir(), a.Home)
	home, err := r.OpenUserDir(homePath)
	if errors.Is(err, fs.ErrNotExist) && createHome {
		var d *os.File
		if d, err = r.MkdirAll(homePath, 0o755); err == nil {
			_ = d.Close()
			home, err = r.OpenUserDir(homePath)
		}
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, missingHome(fmt.Sprintf("the home directory %s of %s does not exist: create it (mkhomedir_helper %s) and try again (nothing was changed)", a.Home, a.Name, a.Name))
	}
	if err != nil {
		return nil, err
	}
	u := &userKeys{acct: a, home: home, sshPath: filepath.Join(homePath, sshDirName)}
	u.path = filepath.Join(u.sshPath, keysName)
	if realOwners(root) {
		u.owner = &edgeprops.Owner{UID: a.UID, GID: a.GID}
		if err := u.ownedByUserOrRoot(home, homePath, nil); err != nil {
			u.Close()
			return nil, err
		}
	}
	if err := u.openSSH(); err != nil {
		u.Close()
		return nil, err
	}
	if u.ssh == nil {
		return u, nil
	}
	data, fi, err := edgeprops.ReadFileIn(u.ssh, keysName, maxAuthorizedKeys)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return u, nil
	case err != nil:
		u.Close()
		return nil, err
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Nlink > 1 {
		u.Close()
		return nil, fmt.Errorf("%s has %d hard links: another name shares its content, and edge-setup will not copy a file it cannot tell apart from another user's; replace it with a file of its own (cp --remove-destination, or remove it) and try again (nothing was changed)", u.path, st.Nlink)
	}
	if u.owner != nil {
		if err := u.ownedByUserOrRoot(nil, u.path, fi); err != nil {
			u.Close()
			return nil, err
		}
	}
	u.data, u.existed = data, true
	return u, nil
}

// openSSH opens .ssh in the home directory without following a link.
func (u *userKeys) openSSH() error {
	fd, err := unix.Openat(int(u.home.Fd()), sshDirName, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if errors.Is(err, syscall.ENOENT) {
		return nil
	}
	if errors.Is(err, syscall.ELOOP) || errors.Is(err, syscall.ENOTDIR) {
		return u.notADirectory()
	}
	if err != nil {
		return fmt.Errorf("cannot open %s: %v (nothing was changed)", u.sshPath, err)
	}
	u.ssh = os.NewFile(uintptr(fd), u.sshPath)
	if u.owner != nil {
		return u.ownedByUserOrRoot(u.ssh, u.sshPath, nil)
	}
	return nil
}

func (u *userKeys) notADirectory() error {
	var st unix.Stat_t
	_ = unix.Fstatat(int(u.home.Fd()), sshDirName, &st, unix.AT_SYMLINK_NOFOLLOW)
	if st.Mode&unix.S_IFMT == unix.S_IFLNK {
		to := make([]byte, 4096)
		n, _ := unix.Readlinkat(int(u.home.Fd()), sshDirName, to)
		return fmt.Errorf("%s is a symbolic link (to %q): edge-setup runs as root and does not write a user's keys through links; remove the link (a real directory is made in its place) and try again (nothing was changed)", u.sshPath, string(to[:max(n, 0)]))
	}
	return fmt.Errorf("%s is not a directory: the SSH server reads authorized_keys from a directory .ssh; move it away and try again (nothing was changed)", u.sshPath)
}

// ownedByUserOrRoot refuses a file or directory another user owns (fi,
// or else f's): sshd would refuse it too, and giving it to this user
// would hand it over.
func (u *userKeys) ownedByUserOrRoot(f *os.File, path string, fi fs.FileInfo) error {
	if fi == nil {
		var err error
		if fi, err = f.Stat(); err != nil {
			return fmt.Errorf("cannot read %s: %v (nothing was changed)", path, err)
		}
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || st.Uid == 0 || int(st.Uid) == u.acct.UID {
		return nil
	}
	return fmt.Errorf("%s belongs to uid %d, not to %s (uid %d) or root: edge-setup will not hand another user's file to %s; check who made it, fix its owner (chown) and try again (nothing was changed)", path, st.Uid, u.acct.Name, u.acct.UID, u.acct.Name)
}

// write replaces authorized_keys with data: .ssh is created or tightened
// to 0700 (and given to the user), crash leftovers of earlier writes are
// removed, and the file is written atomically, 0600, owned by the user.
func (u *userKeys) write(data []byte) error {
	if u.ssh == nil {
		err := unix.Mkdirat(int(u.home.Fd()), sshDirName, 0o700)
		if err != nil && !errors.Is(err, syscall.EEXIST) {
			return fmt.Errorf("cannot create %s: %v (nothing was changed)", u.sshPath, err)
		}
		if err := u.openSSH(); err != nil {
			return err
		}
		if u.ssh == nil {
			return fmt.Errorf("%s vanished while it was made: try again (nothing was changed)", u.sshPath)
		}
		_ = unix.Fsync(int(u.home.Fd()))
	}
	if u.owner != nil {
		if err := u.ssh.Chown(u.owner.UID, u.owner.GID); err != nil {
			return fmt.Errorf("cannot give %s to %s: %v", u.sshPath, u.acct.Name, err)
		}
	}
	if fi, err := u.ssh.Stat(); err != nil || fi.Mode().Perm() != 0o700 {
		if err := u.ssh.Chmod(0o700); err != nil {
			return fmt.Errorf("cannot set %s to mode 0700: %v", u.sshPath, err)
		}
	}
	edgeprops.RemoveTempsIn(u.ssh, isKeysTemp)
	return edgeprops.WriteFileIn(u.ssh, keysName, data, 0o600, u.owner)
}

// isKeysTemp: a temporary authorized_keys a crash left (".authorized_keys.tmp-<digits>").
func isKeysTemp(name string) bool {
	rest, ok := strings.CutPrefix(name, "."+keysName+".tmp-")
	if !ok || rest == "" {
		return false
	}
	return strings.Trim(rest, "0123456789") == ""
}

func (u *userKeys) Close() {
	if u.ssh != nil {
		_ = u.ssh.Close()
	}
	_ = u.home.Close()
}

// missingHome is an operator message that matches fs.ErrNotExist.
type missingHome string

func (m missingHome) Error() string        { return string(m) }
func (m missingHome) Is(target error) bool { return target == fs.ErrNotExist }
