package system

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/edge-setup/edge-setup/steps"
)

// RefuseOverSSH is the rule of options 1 and 4: they cut or restart the
// network and services a remote session depends on, so they run only from
// the VM console.
func RefuseOverSSH(env *steps.Env, n int) error {
	if env.EnvVar("SSH_CONNECTION") != "" || env.EnvVar("SSH_TTY") != "" {
		return fmt.Errorf("option %s must be run from the VM console, not over SSH: it changes the network or restarts services and would cut this session; open the console in your hypervisor and run edge-setup there", steps.OptionName(n))
	}
	return nil
}

// Microservice hosting needs 4 logical CPUs and 8 GB of RAM. A VM given
// 8 GB by the hypervisor reports a little less in MemTotal (the kernel and
// firmware keep some: 7.6 to 7.8 GiB is usual), so 7.5 GiB is accepted as
// "8 GB".
const (
	MinHostingCPUs     = 4
	MinHostingMemBytes = 7.5 * (1 << 30)
)

// CPUCount counts the "processor" lines of <root>/proc/cpuinfo.
func CPUCount(env *steps.Env) (int, error) {
	data, err := ReadRootFile(env, "/proc/cpuinfo", 0)
	if err != nil {
		return 0, procFileError("/proc/cpuinfo", "count the CPUs", env, err)
	}
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		k, _, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == "processor" {
			n++
		}
	}
	if n == 0 {
		return 0, errors.New("/proc/cpuinfo lists no processor: cannot count the CPUs")
	}
	return n, nil
}

// MemTotal reads MemTotal (bytes) from <root>/proc/meminfo.
func MemTotal(env *steps.Env) (int64, error) {
	data, err := ReadRootFile(env, "/proc/meminfo", 0)
	if err != nil {
		return 0, procFileError("/proc/meminfo", "measure the memory", env, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				break
			}
			return kb * 1024, nil // the kernel's "kB" is KiB
		}
	}
	return 0, errors.New("/proc/meminfo has no readable MemTotal line: cannot measure the memory")
}

// HumanBytes prints a size in binary units (1.5 GiB, 512 MiB).
func HumanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}

// procFileError says in operator words why a /proc file could not be read
// (a sandbox root has none: say how to simulate one), never the raw Go error.
func procFileError(name, why string, env *steps.Env, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		if env.Sandboxed() {
			return fmt.Errorf("the root %s is a sandbox and has no %s to %s: copy this machine's %s to %s%s to simulate one", env.Root, name, why, name, env.Root, name)
		}
		return fmt.Errorf("%s does not exist, so edge-setup cannot %s: is /proc mounted? (mount -t proc proc /proc)", name, why)
	}
	if errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("reading %s to %s was refused: run edge-setup as root", name, why)
	}
	return fmt.Errorf("cannot read %s to %s: %s", name, why, steps.SystemReason(err))
}
