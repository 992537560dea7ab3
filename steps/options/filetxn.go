package options

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/system"
)

// fileTxn writes files under the root and remembers what they held before,
// so that a failed option can put everything back ("leaves the system as it
// was"). Paths are host paths ("/etc/netplan/..."); writes are atomic.
type fileTxn struct {
	env     *steps.Env
	saved   []savedFile
	touched map[string]bool
}

type savedFile struct {
	host    string
	data    []byte
	mode    fs.FileMode
	existed bool
}

func newFileTxn(env *steps.Env) *fileTxn { return &fileTxn{env: env, touched: map[string]bool{}} }

// snapshot remembers the current content of host before something else
// (edgeprops) rewrites it.
func (x *fileTxn) snapshot(host string) error {
	if x.touched[host] {
		return nil
	}
	p := steps.RootPath(x.env, host)
	s := savedFile{host: host}
	data, st, err := edgeprops.NewRoot(steps.EnvRoot(x.env)).ReadFileInfo(p, 0)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return fmt.Errorf("cannot read %s before changing it: %w", host, err)
	default:
		s.data, s.mode, s.existed = data, st.Mode().Perm(), true
	}
	x.touched[host] = true
	x.saved = append(x.saved, s)
	return nil
}

// write replaces host with data (mode perm), creating its directory.
func (x *fileTxn) write(host string, data []byte, perm fs.FileMode) error {
	if err := x.snapshot(host); err != nil {
		return err
	}
	p := steps.RootPath(x.env, host)
	if err := edgeprops.WriteFileUnder(steps.EnvRoot(x.env), p, data, perm); err != nil {
		return fmt.Errorf("writing %s: %w", host, err)
	}
	return nil
}

// remove deletes host (nothing when it does not exist).
func (x *fileTxn) remove(host string) error {
	if err := x.snapshot(host); err != nil {
		return err
	}
	if err := edgeprops.RemoveUnder(steps.EnvRoot(x.env), steps.RootPath(x.env, host)); err != nil {
		return fmt.Errorf("removing %s: %w", host, err)
	}
	return nil
}

// backup copies host to host+".bak" (mode 0600: it may be a key) when host
// Exists and differs from next; it returns the backup's host path or "".
func (x *fileTxn) backup(host string, next []byte) (string, error) {
	old, err := edgeprops.ReadFileUnder(steps.EnvRoot(x.env), steps.RootPath(x.env, host), 0)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("cannot read %s to back it up: %w", host, err)
	}
	if next != nil && string(old) == string(next) {
		return "", nil
	}
	bak := host + ".bak"
	return bak, x.write(bak, old, 0o600)
}

// rollback restores every touched file, newest first. It returns a text
// for the operator: what was restored, or what could not be.
func (x *fileTxn) rollback() string {
	if len(x.saved) == 0 {
		return "nothing was changed"
	}
	var failed []string
	for i := len(x.saved) - 1; i >= 0; i-- {
		s := x.saved[i]
		p := steps.RootPath(x.env, s.host)
		var err error
		if s.existed {
			err = edgeprops.WriteFileUnder(steps.EnvRoot(x.env), p, s.data, s.mode)
		} else {
			err = edgeprops.RemoveUnder(steps.EnvRoot(x.env), p)
		}
		if err != nil {
			failed = append(failed, fmt.Sprintf("%s (%v)", s.host, err))
		}
	}
	if len(failed) > 0 {
		return "could not restore " + strings.Join(failed, ", ") + ": check these files by hand"
	}
	return "the files changed so far were restored, nothing else was changed"
}

// failed wraps a Run error with the rollback result.
func (x *fileTxn) failed(err error) error {
	return fmt.Errorf("%w; %s", err, x.rollback())
}

// The directories the options write into, whose crash leftovers (temporary
// files, possibly holding a key) are removed when the lock is taken.
func init() {
	for _, d := range []string{EdgeCertDir, filepath.Dir(system.NetplanFile), filepath.Dir(system.DockerDaemonFile)} {
		edgeprops.RegisterWriteDir(d)
	}
}
