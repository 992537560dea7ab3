package options

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/system"
)

// ExpandDisk is option 5, "Expand disk size": after the operator enlarged
// the virtual disk in the hypervisor, the last partition of each disk grows
// into the new space (growpart) and then its file system (resize2fs,
// xfs_growfs, or pvresize + lvextend -r for LVM).
type ExpandDisk struct{}

func (ExpandDisk) Number() int             { return 5 }
func (ExpandDisk) Title(*steps.Env) string { return "Expand disk size" }

// Available refuses in a sandbox without a disk layout snapshot.
func (ExpandDisk) Available(env *steps.Env) error {
	if env.Runner.Execute {
		return nil
	}
	if _, err := edgeprops.NewRoot(steps.EnvRoot(env)).Lstat(steps.RootPath(env, "/"+system.LsblkSnapshotFile)); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("the root %s is a sandbox and has no disk layout: put the output of '%s' in %s to simulate one", env.Root, system.LsblkCommand, steps.RootPath(env, "/"+system.LsblkSnapshotFile))
	}
	return nil
}

// NextPrompt asks nothing; it reads the disk layout so that a problem shows
// before the confirmation.
func (ExpandDisk) NextPrompt(env *steps.Env, a steps.Answers) (*steps.Prompt, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := system.ReadBlockDevices(ctx, env)
	return nil, err
}

func (ExpandDisk) Confirm(env *steps.Env, a steps.Answers) []string {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	devs, err := system.ReadBlockDevices(ctx, env)
	if err != nil {
		return []string{err.Error()}
	}
	plan := system.PlanDiskGrowth(devs)
	var lines []string
	growable := 0
	for _, g := range plan {
		line := describeGrowth(g)
		if g.Slack > 0 && g.Problem == "" {
			growable++
			// The commands belong to their partition: one line, no sub-bullets.
			var cmds []string
			for _, c := range g.Commands {
				cmds = append(cmds, c.String())
			}
			line += "; run " + strings.Join(cmds, ", then ") + plannedOnly(env)
		}
		lines = append(lines, line)
	}
	if growable == 0 {
		lines = append(lines, nothingToGrow)
	}
	return lines
}

const nothingToGrow = "Nothing to grow: there is no unallocated space after the last partition. Enlarge the virtual disk in the hypervisor first, restart the VM, then run option 5 again."

func describeGrowth(g system.PartitionGrowth) string {
	what := system.DevPath(g.Part)
	var attrs []string
	if g.Part.FSType != "" {
		attrs = append(attrs, g.Part.FSType)
	}
	if g.Part.Mountpoint != "" {
		attrs = append(attrs, g.Part.Mountpoint)
	}
	for _, lv := range g.LogicalVolumes {
		attrs = append(attrs, "LV "+system.DevPath(lv))
	}
	if len(attrs) > 0 {
		what += " (" + strings.Join(attrs, ", ") + ")"
	}
	what = fmt.Sprintf("Partition %s, %s, on %s (%s)", what, system.HumanBytes(int64(g.Part.Size)), system.DevPath(g.Disk), system.HumanBytes(int64(g.Disk.Size)))
	switch {
	case !g.Last:
		return what + ": cannot grow (another partition follows it)"
	case g.Slack == 0:
		return what + ": nothing to grow (less than 1 MiB unallocated after it)"
	case g.Problem != "":
		return what + fmt.Sprintf(": %s unallocated after it, but %s", system.HumanBytes(g.Slack), g.Problem)
	}
	return what + ": can grow by about " + system.HumanBytes(g.Slack)
}

func (ExpandDisk) Run(ctx context.Context, env *steps.Env, a steps.Answers, emit steps.Emit) error {
	t := steps.NewTrackerContext(ctx, emit)
	var plan []system.PartitionGrowth
	if err := t.Do("Read disks and partitions", func() (string, error) {
		devs, err := system.ReadBlockDevices(ctx, env)
		if err != nil {
			return "", err
		}
		plan = system.PlanDiskGrowth(devs)
		if len(plan) == 1 {
			return "1 partition", nil
		}
		return fmt.Sprintf("%d partitions", len(plan)), nil
	}); err != nil {
		return err
	}
	grown := 0
	for _, g := range plan {
		if g.Slack == 0 {
			continue
		}
		if g.Problem != "" {
			t.Warn(describeGrowth(g))
			continue
		}
		for i, c := range g.Commands {
			err := t.Do("Run "+c.String(), func() (string, error) {
				out, err := env.Runner.Run(ctx, emit, c)
				if err != nil && c.Name == "growpart" && strings.Contains(out, "NOCHANGE") {
					// The partition already fills the space after it; its file system may still grow.
					return "already full size (growpart: NOCHANGE)", nil
				}
				return plannedOr(env, "done"), err
			})
			if err != nil {
				changed := "nothing was changed"
				if i > 0 {
					changed = "the partition " + system.DevPath(g.Part) + " already grew, its file system not yet"
				}
				return fmt.Errorf("%w; %s: the data is safe; fix the cause shown above and run option 5 again", err, changed)
			}
		}
		grown++
	}
	if grown == 0 {
		t.Skip("Grow partitions", nothingToGrow)
		return nil
	}
	if err := system.RecordDone(env, t, 5); err != nil {
		return err
	}
	if env.Sandboxed() {
		t.Info("Under a sandbox root nothing was resized; on the Edge the space is available at once ('df -h' shows it).")
	} else {
		t.Info("The disk space is available now; 'df -h' shows the new sizes.")
	}
	return nil
}
