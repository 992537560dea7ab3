package system

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
)

// LsblkCommand reads disks, partitions and file systems.
var LsblkCommand = steps.Command{Name: "lsblk", Args: []string{"--json", "--bytes", "--output", "NAME,PATH,TYPE,SIZE,FSTYPE,MOUNTPOINT,PKNAME"}}

// LsblkSnapshotFile (under the root) stands in for LsblkCommand's output
// when the root is a sandbox: tests and the demo provide it.
const LsblkSnapshotFile = edgeprops.StateDir + "/lsblk.json"

// BlockDevice is one lsblk entry. Old lsblk versions print numbers as
// strings even with --bytes, newer ones as numbers: size accepts both.
type BlockDevice struct {
	Name       string        `json:"name"`
	Path       string        `json:"path"`
	Type       string        `json:"type"`
	Size       LsblkSize     `json:"size"`
	FSType     string        `json:"fstype"`
	Mountpoint string        `json:"mountpoint"`
	PKName     string        `json:"pkname"`
	Children   []BlockDevice `json:"children"`
}

type LsblkSize int64

func (s *LsblkSize) UnmarshalJSON(b []byte) error {
	str := strings.Trim(string(b), `"`)
	if str == "null" || str == "" {
		*s = 0
		return nil
	}
	n, err := strconv.ParseInt(str, 10, 64)
	if err != nil {
		return fmt.Errorf("size %s is not a number of bytes (was --bytes given?)", b)
	}
	*s = LsblkSize(n)
	return nil
}

// ReadBlockDevices runs lsblk (or reads the sandbox snapshot).
func ReadBlockDevices(ctx context.Context, env *steps.Env) ([]BlockDevice, error) {
	var data []byte
	if env.Runner.Execute {
		out, err := env.Runner.Run(ctx, nil, LsblkCommand)
		if err != nil {
			return nil, fmt.Errorf("cannot read the disk layout: %w", err)
		}
		data = []byte(out)
	} else {
		var err error
		data, err = ReadRootFile(env, "/"+LsblkSnapshotFile, 0)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("the root %s is a sandbox and has no disk layout: put the output of '%s' in %s to simulate one", env.Root, LsblkCommand, steps.RootPath(env, "/"+LsblkSnapshotFile))
		}
		if err != nil {
			return nil, fmt.Errorf("cannot read the disk layout snapshot %s: %s", steps.RootPath(env, "/"+LsblkSnapshotFile), steps.SystemReason(err))
		}
	}
	var doc struct {
		BlockDevices []BlockDevice `json:"blockdevices"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(data), &doc); err != nil {
		return nil, fmt.Errorf("the disk layout from lsblk cannot be read (%v): is util-linux too old for --json?", err)
	}
	return doc.BlockDevices, nil
}

// PartitionGrowth is what option 5 can do for one partition.
type PartitionGrowth struct {
	Disk, Part     BlockDevice
	Number         int
	Slack          int64 // unallocated bytes after it (0: none or not last)
	Last           bool  // last partition on its disk
	Commands       []steps.Command
	Problem        string // why the file system cannot be grown automatically
	LogicalVolumes []BlockDevice
}

// growTimeout bounds a file system resize (large disks take minutes).
const growTimeout = 30 * time.Minute

// GrowThreshold: less slack than this is nothing to grow.
const GrowThreshold = 1 << 20

// partitionTableOverhead is what a disk keeps outside its partitions: the
// usual 1 MiB alignment gap in front of the first partition and the backup
// GPT (plus alignment) at the end. lsblk has no partition start column
// in the fields we read, so the unallocated space after the last partition is
// estimated as disk size - partition sizes - this overhead; growpart decides
// the exact size.
const partitionTableOverhead = 2 << 20

// PlanDiskGrowth looks at every disk and says how much each partition can
// grow and with which commands.
func PlanDiskGrowth(devs []BlockDevice) []PartitionGrowth {
	var out []PartitionGrowth
	for _, d := range devs {
		if d.Type != "disk" {
			continue
		}
		var parts []BlockDevice
		var used int64
		for _, c := range d.Children {
			if c.Type == "part" {
				parts = append(parts, c)
				used += int64(c.Size)
			}
		}
		slack := int64(d.Size) - used - partitionTableOverhead
		for i, p := range parts {
			g := PartitionGrowth{Disk: d, Part: p, Number: PartitionNumber(p.Name), Last: i == len(parts)-1}
			if g.Last && slack >= GrowThreshold {
				g.Slack = slack
				g.Commands, g.Problem = growCommands(d, p, g.Number)
				if g.Problem == "" {
					for _, c := range p.Children {
						if c.Type == "lvm" {
							g.LogicalVolumes = append(g.LogicalVolumes, c)
						}
					}
				}
			}
			out = append(out, g)
		}
	}
	return out
}

// growCommands: growpart, then the file system's own grow command.
func growCommands(disk, part BlockDevice, num int) ([]steps.Command, string) {
	if num <= 0 {
		return nil, fmt.Sprintf("the partition number of %s cannot be told from its name", DevPath(part))
	}
	cmds := []steps.Command{{Name: "growpart", Args: []string{DevPath(disk), strconv.Itoa(num)}}}
	switch fst := part.FSType; {
	case fst == "ext2" || fst == "ext3" || fst == "ext4":
		cmds = append(cmds, steps.Command{Name: "resize2fs", Args: []string{DevPath(part)}, Timeout: growTimeout})
	case fst == "xfs":
		if part.Mountpoint == "" {
			return nil, fmt.Sprintf("%s holds an XFS file system that is not mounted; xfs_growfs works on a mounted file system: mount it and run option 5 again", DevPath(part))
		}
		cmds = append(cmds, steps.Command{Name: "xfs_growfs", Args: []string{part.Mountpoint}, Timeout: growTimeout})
	case fst == "LVM2_member":
		cmds = append(cmds, steps.Command{Name: "pvresize", Args: []string{DevPath(part)}})
		var lv *BlockDevice
		for i, c := range part.Children {
			if c.Type == "lvm" && (lv == nil || c.Mountpoint == "/") {
				lv = &part.Children[i]
			}
		}
		if lv == nil {
			return cmds, ""
		}
		// -r grows the file system of the logical volume too.
		cmds = append(cmds, steps.Command{Name: "lvextend", Args: []string{"-r", "-l", "+100%FREE", DevPath(*lv)}, Timeout: growTimeout})
	case fst == "swap":
		return nil, fmt.Sprintf("%s is swap space; growing it needs swapoff/mkswap, which option 5 does not do", DevPath(part))
	case fst == "":
		return nil, fmt.Sprintf("%s has no file system", DevPath(part))
	default:
		return nil, fmt.Sprintf("%s holds a %s file system, which option 5 cannot grow: grow the partition with 'growpart %s %d' and the file system with its own tool", DevPath(part), fst, DevPath(disk), num)
	}
	return cmds, ""
}

func DevPath(d BlockDevice) string {
	if d.Path != "" {
		return d.Path
	}
	return "/dev/" + d.Name
}

// PartitionNumber is the trailing number of a partition name: sda2 -> 2,
// nvme0n1p3 -> 3, mmcblk0p1 -> 1.
func PartitionNumber(name string) int {
	i := len(name)
	for i > 0 && unicode.IsDigit(rune(name[i-1])) {
		i--
	}
	n, err := strconv.Atoi(name[i:])
	if err != nil {
		return 0
	}
	return n
}
