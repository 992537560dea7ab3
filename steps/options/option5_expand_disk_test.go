package options

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/system"
)

// lsblk snapshots in testdata are what `lsblk --json --bytes --output
// NAME,PATH,TYPE,SIZE,FSTYPE,MOUNTPOINT,PKNAME` prints on a VM.
func useLsblk(t *testing.T, te *testEnv, name string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	te.write(t, "/"+system.LsblkSnapshotFile, string(data))
}

func TestExpandDiskNeedsSnapshotInSandbox(t *testing.T) {
	te := newTestEnv(t)
	err := (ExpandDisk{}).Available(te.Env)
	if err == nil || !strings.Contains(err.Error(), "is a sandbox and has no disk layout") || !strings.Contains(err.Error(), "lsblk.json") {
		t.Fatalf("%v", err)
	}
	te.write(t, "/"+system.LsblkSnapshotFile, "{")
	if _, err := (ExpandDisk{}).NextPrompt(te.Env, steps.Answers{}); err == nil || !strings.Contains(err.Error(), "cannot be read") {
		t.Fatalf("broken snapshot: %v", err)
	}
}

func TestExpandDiskExt4(t *testing.T) {
	te := newTestEnv(t)
	useLsblk(t, te, "lsblk-ext4-grown.json")
	if err := (ExpandDisk{}).Available(te.Env); err != nil {
		t.Fatal(err)
	}
	a, _ := drive(t, te.Env, ExpandDisk{})
	wantLines(t, (ExpandDisk{}).Confirm(te.Env, a),
		"Partition /dev/sda1 (vfat, /boot/efi), 512.0 MiB, on /dev/sda (80.0 GiB): cannot grow (another partition follows it)",
		"Partition /dev/sda2 (ext4, /), 49.5 GiB, on /dev/sda (80.0 GiB): can grow by about 30.0 GiB; run growpart /dev/sda 2, then resize2fs /dev/sda2 (planned only: the root is a sandbox)",
		"Partition /dev/sdb1 (ext4, /data), 20.0 GiB, on /dev/sdb (20.0 GiB): nothing to grow (less than 1 MiB unallocated after it)",
	)
	mustRun(t, te.Env, ExpandDisk{}, a)
	wantLines(t, planned(te.Env), "growpart /dev/sda 2", "resize2fs /dev/sda2")
	wantContains(t, te.read(t, "/"+steps.PlannedCommandsFile), "growpart /dev/sda 2\nresize2fs /dev/sda2\n")
}

func TestExpandDiskXFSAndLVM(t *testing.T) {
	te := newTestEnv(t)
	useLsblk(t, te, "lsblk-xfs-lvm.json")
	a, _ := drive(t, te.Env, ExpandDisk{})
	confirm := (ExpandDisk{}).Confirm(te.Env, a)
	if !anyContains(confirm, "Partition /dev/nvme0n1p2 (xfs, /), 30.0 GiB, on /dev/nvme0n1 (40.0 GiB): can grow by about 9.0 GiB") {
		t.Fatalf("Confirm:\n%s", strings.Join(confirm, "\n"))
	}
	mustRun(t, te.Env, ExpandDisk{}, a)
	wantLines(t, planned(te.Env),
		"growpart /dev/nvme0n1 2",
		"xfs_growfs /",
		"growpart /dev/sdb 3",
		"pvresize /dev/sdb3",
		"lvextend -r -l +100%FREE /dev/mapper/ubuntu--vg-ubuntu--lv",
	)
}

func TestExpandDiskNothingToGrow(t *testing.T) {
	te := newTestEnv(t)
	useLsblk(t, te, "lsblk-full.json")
	a, _ := drive(t, te.Env, ExpandDisk{})
	confirm := (ExpandDisk{}).Confirm(te.Env, a)
	if confirm[len(confirm)-1] != nothingToGrow {
		t.Fatalf("Confirm %q", confirm)
	}
	evs := mustRun(t, te.Env, ExpandDisk{}, a)
	if len(planned(te.Env)) != 0 || !hasEvent(evs, steps.SubStepSkipped, "Enlarge the virtual disk in the hypervisor first") {
		t.Fatalf("planned %v, events %v", planned(te.Env), evs)
	}
}

func TestExpandDiskRealRun(t *testing.T) {
	te := newTestEnv(t)
	snap, err := os.ReadFile("testdata/lsblk-ext4-grown.json")
	if err != nil {
		t.Fatal(err)
	}
	var ran []string
	te.Runner = &steps.Runner{Root: te.Root, Execute: true, Exec: func(ctx context.Context, c steps.Command) ([]byte, error) {
		ran = append(ran, c.String())
		switch c.Name {
		case "lsblk":
			return snap, nil
		case "growpart":
			// A previous run already grew the partition.
			return []byte("NOCHANGE: partition 2 is size 167770079. it cannot be grown"), errors.New("exit status 1")
		}
		return nil, nil
	}}
	if err := (ExpandDisk{}).Available(te.Env); err != nil {
		t.Fatal(err)
	}
	a, _ := drive(t, te.Env, ExpandDisk{})
	evs := mustRun(t, te.Env, ExpandDisk{}, a)
	if ran[len(ran)-1] != "resize2fs /dev/sda2" || !hasEvent(evs, steps.SubStepDone, "already full size") {
		t.Fatalf("ran %q", ran)
	}
}

func TestExpandDiskOldLsblkAndProblems(t *testing.T) {
	devs := []system.BlockDevice{{Name: "sda", Type: "disk", Size: 10 << 30, Children: []system.BlockDevice{
		{Name: "sda1", Type: "part", Size: 4 << 30, FSType: "swap"},
	}}, {Name: "vda", Path: "/dev/vda", Type: "disk", Size: 10 << 30, Children: []system.BlockDevice{
		{Name: "vda1", Path: "/dev/vda1", Type: "part", Size: 4 << 30, FSType: "xfs"},
	}}, {Name: "loop0", Type: "loop", Size: 1 << 20}}
	plan := system.PlanDiskGrowth(devs)
	if len(plan) != 2 || !strings.Contains(plan[0].Problem, "swap space") || !strings.Contains(plan[1].Problem, "not mounted") {
		t.Fatalf("plan %+v", plan)
	}
	if got := describeGrowth(plan[0]); !strings.Contains(got, "unallocated after it, but /dev/sda1 is swap space") {
		t.Fatal(got)
	}
	for name, want := range map[string]int{"sda2": 2, "nvme0n1p3": 3, "mmcblk0p1": 1, "sda": 0} {
		if got := system.PartitionNumber(name); got != want {
			t.Errorf("partitionNumber(%s) = %d", name, got)
		}
	}
	var s system.LsblkSize
	if err := s.UnmarshalJSON([]byte(`"1024"`)); err != nil || s != 1024 {
		t.Fatalf("old lsblk size: %d %v", s, err)
	}
	if err := s.UnmarshalJSON([]byte(`"20G"`)); err == nil {
		t.Fatal("human size accepted")
	}
}
