//go:build linux

package registration_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/steps/system"
)

// A save that the system refuses: option 7's Run against an agent directory
// that cannot be written. The tests run as root, which chmod does not stop,
// so the directory is made immutable (chattr +i: root is refused too), and,
// where mount namespaces are allowed, a child process sees the directory on
// a read-only bind mount (EROFS) or on a full tmpfs (ENOSPC). The error must
// say what happened and what to do, and the old file must stay as it was.

// Linux ioctls of chattr/lsattr (the same on amd64, arm64 and the others
// with 8-byte longs).
const (
	fsIocGetflags = 0x80086601
	fsIocSetflags = 0x40086602
	fsImmutableFl = 0x00000010
)

func setImmutable(dir string, on bool) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	var flags int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), fsIocGetflags, uintptr(unsafe.Pointer(&flags))); e != 0 {
		return e
	}
	if on {
		flags |= fsImmutableFl
	} else {
		flags &^= fsImmutableFl
	}
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), fsIocSetflags, uintptr(unsafe.Pointer(&flags))); e != 0 {
		return e
	}
	return nil
}

// agentSnapshot is the agent file as it is.
type agentSnapshot struct {
	Data []byte
	Mode os.FileMode
}

func snapshotAgent(t testing.TB, env *steps.Env) agentSnapshot {
	t.Helper()
	p := env.Props.Path(edgeprops.AgentPropsFile)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return agentSnapshot{Data: data, Mode: fi.Mode().Perm()}
}

// configuredOnce runs option 7 for the world's tenant, so the agent file
// and the device ID exist.
func configuredOnce(t *testing.T, w *stepstest.World) {
	t.Helper()
	if _, err := stepstest.Drive(context.Background(), w.Env, options.EdgeAgent{}, w.URL, ""); err != nil {
		t.Fatal(err)
	}
}

func checkRefusedSave(t *testing.T, err error, events []steps.Event, want string) {
	t.Helper()
	if err == nil {
		t.Fatal("Run succeeded on an unwritable agent directory")
	}
	msg := err.Error()
	for _, w := range []string{want, edgeprops.AgentPropsFile, "was not changed"} {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q lacks %q", msg, w)
		}
	}
	if strings.Contains(msg, "\n") || strings.Contains(msg, "goroutine") {
		t.Errorf("error is not one clear line: %q", msg)
	}
	failed := false
	for _, e := range events {
		failed = failed || (e.Kind == steps.SubStepFailed && strings.Contains(e.Name, edgeprops.AgentPropsFile))
		if e.Kind == steps.SubStepDone && strings.Contains(e.Name, "Restart") {
			t.Errorf("the agent was restarted although its configuration was not saved: %+v", e)
		}
	}
	if !failed {
		t.Errorf("no failed sub-step names the agent file: %+v", events)
	}
}

func TestFaultOption7ImmutableAgentDir(t *testing.T) {
	w := stepstest.New(t)
	configuredOnce(t, w)
	before := snapshotAgent(t, w.Env)
	completedBefore, _, _ := system.Completed(w.Env, 7)
	dir := w.Env.Props.Path(edgeprops.AgentDir)
	if err := setImmutable(dir, true); err != nil {
		t.Skipf("cannot make %s immutable here (%v): the file system or the capabilities do not allow chattr +i", dir, err)
	}
	t.Cleanup(func() { _ = setImmutable(dir, false) })

	var events []steps.Event
	err := options.EdgeAgent{}.Run(context.Background(), w.Env, steps.Answers{steps.KeyCloudURL: "https://other.example.com"},
		func(e steps.Event) { events = append(events, e) })
	checkRefusedSave(t, err, events, "immutable")
	if after := snapshotAgent(t, w.Env); !bytes.Equal(after.Data, before.Data) || after.Mode != before.Mode {
		t.Errorf("the agent file changed:\n%s\nmode %v -> %v", after.Data, before.Mode, after.Mode)
	}
	if completedAfter, _, _ := system.Completed(w.Env, 7); !completedAfter.Equal(completedBefore) {
		t.Error("option 7 was recorded as completed")
	}
	if err := setImmutable(dir, false); err != nil {
		t.Fatal(err)
	}
	noTempFilesUnder(t, w.Env.Root)
	// Once the directory is writable again the same answers work.
	if err := (options.EdgeAgent{}).Run(context.Background(), w.Env, steps.Answers{steps.KeyCloudURL: "https://other.example.com"}, nil); err != nil {
		t.Fatalf("Run after the directory became writable: %v", err)
	}
}

// The mount-namespace child: it sets up the mount, runs option 7 and
// reports what happened as JSON on stdout.

const mountChildEnv = "STEPS_TEST_MOUNT_CHILD" // "<mode> <root>"

type mountReport struct {
	Skip      string
	Err       string
	Events    []steps.Event
	Before    agentSnapshot
	After     agentSnapshot
	TempFiles []string
}

func init() {
	if v := os.Getenv(mountChildEnv); v != "" {
		mode, root, _ := strings.Cut(v, " ")
		rep := mountChild(mode, root)
		_ = json.NewEncoder(os.Stdout).Encode(rep)
		os.Exit(0)
	}
}

func mountChild(mode, root string) (rep mountReport) {
	env := &steps.Env{Root: root, Props: edgeprops.New(root), Runner: steps.NewRunner(root),
		Getenv: func(string) string { return "" }, Now: time.Now, Version: "test"}
	dir := env.Props.Path(edgeprops.AgentDir)
	agentFile := env.Props.Path(edgeprops.AgentPropsFile)
	read := func() agentSnapshot {
		data, _ := os.ReadFile(agentFile)
		fi, err := os.Stat(agentFile)
		if err != nil {
			return agentSnapshot{Data: data}
		}
		return agentSnapshot{Data: data, Mode: fi.Mode().Perm()}
	}
	rep.Before = read()
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		rep.Skip = "making mounts private: " + err.Error()
		return rep
	}
	switch mode {
	case "readonly":
		if err := syscall.Mount(dir, dir, "", syscall.MS_BIND, ""); err != nil {
			rep.Skip = "bind mount: " + err.Error()
			return rep
		}
		if err := syscall.Mount("", dir, "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
			rep.Skip = "read-only remount: " + err.Error()
			return rep
		}
	case "full":
		files := map[string][]byte{}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			files[e.Name()], _ = os.ReadFile(filepath.Join(dir, e.Name()))
		}
		if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=64k,mode=0755"); err != nil {
			rep.Skip = "tmpfs mount: " + err.Error()
			return rep
		}
		for name, data := range files {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
				rep.Skip = "copying into the tmpfs: " + err.Error()
				return rep
			}
		}
		_ = os.Chmod(agentFile, rep.Before.Mode)
		rep.Before = read()
		filler, err := os.Create(filepath.Join(dir, "filler"))
		if err != nil {
			rep.Skip = err.Error()
			return rep
		}
		chunk := make([]byte, 4096)
		for {
			if _, err := filler.Write(chunk); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					rep.Skip = "filling the tmpfs: " + err.Error()
					return rep
				}
				break
			}
		}
		filler.Close()
	default:
		rep.Skip = "unknown mode " + mode
		return rep
	}
	err := options.EdgeAgent{}.Run(context.Background(), env, steps.Answers{steps.KeyCloudURL: "https://other.example.com"},
		func(e steps.Event) { rep.Events = append(rep.Events, e) })
	if err != nil {
		rep.Err = err.Error()
	}
	rep.After = read()
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".tmp-") {
			rep.TempFiles = append(rep.TempFiles, p)
		}
		return nil
	})
	return rep
}

func runMountChild(t *testing.T, mode, root string) mountReport {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), mountChildEnv+"="+mode+" "+root)
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	if os.Geteuid() != 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{
			Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS,
			UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}},
			GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}},
		}
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("no private mount namespace here (%v): %s", err, stderr.String())
	}
	var rep mountReport
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("child report %q: %v (stderr %s)", out, err, stderr.String())
	}
	if rep.Skip != "" {
		t.Skipf("mounts are not allowed here: %s", rep.Skip)
	}
	return rep
}

func TestFaultOption7ReadOnlyOrFullAgentDir(t *testing.T) {
	for _, tc := range []struct{ mode, want string }{
		{"readonly", "is read-only: remount it read-write"},
		{"full", "is full: free some space"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			w := stepstest.New(t)
			configuredOnce(t, w)
			rep := runMountChild(t, tc.mode, w.Env.Root)
			var err error
			if rep.Err != "" {
				err = errors.New(rep.Err)
			}
			checkRefusedSave(t, err, rep.Events, tc.want)
			if !bytes.Equal(rep.After.Data, rep.Before.Data) || rep.After.Mode != rep.Before.Mode {
				t.Errorf("the agent file changed:\n%s\nmode %v -> %v", rep.After.Data, rep.Before.Mode, rep.After.Mode)
			}
			if len(rep.TempFiles) > 0 {
				t.Errorf("temporary files left: %v", rep.TempFiles)
			}
			if len(rep.Before.Data) == 0 {
				t.Errorf("the child saw no agent file: %+v", rep)
			}
		})
	}
}
