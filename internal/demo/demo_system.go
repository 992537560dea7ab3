package demo

import (
	"path/filepath"
	"strings"

	"github.com/edge-setup/edge-setup/edgeprops"
)

// seedDemoSystem writes the small slice of a real Edge VM that options 1, 5
// and 8 read (network interfaces, routes, CPUs, memory, disks), so every menu
// entry works in the demo. Existing files are left alone.
func seedDemoSystem(root string) error {
	cpuinfo := strings.Repeat("processor\t: 0\nmodel name\t: Demo CPU\n\n", 4)
	files := map[string]string{
		"sys/class/net/eth0/address":   "52:54:00:12:34:56\n",
		"sys/class/net/eth0/operstate": "up\n",
		"sys/class/net/lo/address":     "00:00:00:00:00:00\n",
		"proc/net/route": "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n" +
			"eth0\t00000000\t0102A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n",
		"proc/cpuinfo":           cpuinfo,
		"proc/meminfo":           "MemTotal:       16364964 kB\nMemFree:         8123456 kB\n",
		"etc/docker/daemon.json": "{\n  \"log-driver\": \"json-file\"\n}\n",
		"var/lib/edge-setup/lsblk.json": `{"blockdevices":[{"name":"sda","path":"/dev/sda","type":"disk","size":214748364800,"fstype":null,"mountpoint":null,"pkname":null,
 "children":[{"name":"sda1","path":"/dev/sda1","type":"part","size":107374182400,"fstype":"ext4","mountpoint":"/","pkname":"sda"}]}]}
`,
	}
	for rel, content := range files {
		path := filepath.Join(root, rel)
		if _, err := edgeprops.NewRoot(root).Lstat(path); err == nil {
			continue
		}
		if err := edgeprops.WriteFileUnder(root, path, []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}
