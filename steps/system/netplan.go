package system

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
)

// Files option 1 writes (host paths). netplan reads /etc/netplan in
// lexical order and a later file overrides an earlier one for the same
// interface, so the "90-" makes these settings win over the installer's
// 50-cloud-init.yaml (which turns DHCP on); "01-" lost to it.
const (
	NetplanFile      = "/etc/netplan/90-edge-setup.yaml"
	DockerDaemonFile = "/etc/docker/daemon.json"
)

// OldNetplanFile is where earlier versions wrote: removed by option 1, or
// its static address would be added to the new one.
const OldNetplanFile = "/etc/netplan/01-edge-setup.yaml"

// NetplanApply applies the netplan configuration.
var NetplanApply = steps.Command{Name: "netplan", Args: []string{"apply"}, Timeout: 90 * time.Second}

// virtualIfacePrefixes are interfaces that are never the VM's own network.
var virtualIfacePrefixes = []string{"docker", "veth", "br-", "cni", "flannel"}

// PrimaryInterface finds the VM's network interface: the entries of
// <root>/sys/class/net without loopback, Docker, bridge and Kubernetes
// interfaces, preferring the one that carries the default route in
// <root>/proc/net/route. It also says how it chose.
func PrimaryInterface(env *steps.Env) (name, why string, err error) {
	dir := steps.RootPath(env, "/sys/class/net")
	entries, err := edgeprops.NewRoot(steps.EnvRoot(env)).ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", "", fmt.Errorf("cannot list the network interfaces in /sys/class/net: %s", steps.SystemReason(err))
	}
	var cands []string
	for _, e := range entries {
		n := e.Name()
		if n == "lo" || slices.ContainsFunc(virtualIfacePrefixes, func(p string) bool { return strings.HasPrefix(n, p) }) {
			continue
		}
		cands = append(cands, n)
	}
	if len(cands) == 0 {
		return "", "", errors.New("no Ethernet interface was found in /sys/class/net (only loopback, Docker or Kubernetes interfaces): add a network adapter to the VM in the hypervisor, restart it and run option 1 again")
	}
	slices.Sort(cands)
	for _, r := range defaultRouteIfaces(env) {
		if slices.Contains(cands, r) {
			return r, "it carries the default route", nil
		}
	}
	if len(cands) == 1 {
		return cands[0], "the only network interface", nil
	}
	return cands[0], fmt.Sprintf("first of %s; none carries a default route", strings.Join(cands, ", ")), nil
}

// defaultRouteIfaces lists the interfaces with a default route (destination
// 00000000) in <root>/proc/net/route.
func defaultRouteIfaces(env *steps.Env) []string {
	data, err := ReadRootFile(env, "/proc/net/route", 0)
	if err != nil {
		return nil
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[1] == "00000000" && f[0] != "Iface" {
			out = append(out, f[0])
		}
	}
	return out
}

// netplanConfig is the netplan v2 document option 1 writes.
type netplanConfig struct {
	Network netplanNetwork `yaml:"network"`
}

type netplanNetwork struct {
	Version   int                         `yaml:"version"`
	Renderer  string                      `yaml:"renderer"`
	Ethernets map[string]netplanInterface `yaml:"ethernets"`
}

type netplanInterface struct {
	DHCP4       bool               `yaml:"dhcp4"`
	Addresses   []string           `yaml:"addresses"`
	Routes      []netplanRoute     `yaml:"routes"`
	Nameservers netplanNameservers `yaml:"nameservers"`
}

type netplanRoute struct {
	To  string `yaml:"to"`
	Via string `yaml:"via"`
}

type netplanNameservers struct {
	Addresses []string `yaml:"addresses"`
}

// RenderNetplan returns the netplan file for a static IPv4 setup.
func RenderNetplan(iface, ip string, prefix int, gateway, dns string) ([]byte, error) {
	cfg := netplanConfig{Network: netplanNetwork{
		Version:  2,
		Renderer: "networkd",
		Ethernets: map[string]netplanInterface{iface: {
			DHCP4:       false,
			Addresses:   []string{fmt.Sprintf("%s/%d", ip, prefix)},
			Routes:      []netplanRoute{{To: "default", Via: gateway}},
			Nameservers: netplanNameservers{Addresses: []string{dns}},
		}},
	}}
	var buf bytes.Buffer
	buf.WriteString("# Written by edge-setup (option 1, Configure network). Run option 1 again to change it.\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(cfg); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// otherNetplanFiles lists the other netplan files that mention iface; they
// are merged with ours and may override it.
func otherNetplanFiles(env *steps.Env, iface string) []string {
	var out []string
	for _, pat := range []string{"*.yaml", "*.yml"} {
		matches, _ := filepath.Glob(filepath.Join(steps.RootPath(env, "/etc/netplan"), pat))
		for _, m := range matches {
			if base := filepath.Base(m); base == filepath.Base(NetplanFile) || base == filepath.Base(OldNetplanFile) {
				continue
			}
			data, err := edgeprops.ReadFileUnder(steps.EnvRoot(env), m, 0)
			if err == nil && bytes.Contains(data, []byte(iface)) {
				out = append(out, "/etc/netplan/"+filepath.Base(m))
			}
		}
	}
	return out
}

// NetplanConflicts says, one line each, which other netplan files configure
// iface and what that means, for the plan (before anything is written).
func NetplanConflicts(env *steps.Env, iface string) []string {
	var lines []string
	for _, f := range otherNetplanFiles(env, iface) {
		ours := filepath.Base(NetplanFile)
		if filepath.Base(f) > ours {
			lines = append(lines, fmt.Sprintf("Warning: %s also configures %s and is read after %s, so it wins: move it out of /etc/netplan", f, iface, ours))
			continue
		}
		lines = append(lines, fmt.Sprintf("Note: %s also configures %s; %s is read after it and wins (addresses listed there are added: remove them)", f, iface, ours))
	}
	return lines
}

// ReadDockerDaemon reads <root>/etc/docker/daemon.json as a generic object
// (empty when absent) so that other keys survive an update.
func ReadDockerDaemon(env *steps.Env) (map[string]any, error) {
	data, err := ReadRootFile(env, DockerDaemonFile, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]any{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %s", DockerDaemonFile, steps.SystemReason(err))
	}
	m := map[string]any{}
	if len(bytes.TrimSpace(data)) == 0 {
		return m, nil
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s is not valid JSON (%v): fix or remove it, then run option 1 again", DockerDaemonFile, err)
	}
	return m, nil
}

// CurrentDockerBridge is the configured bip, or Docker's default.
func CurrentDockerBridge(env *steps.Env) (string, error) {
	m, err := ReadDockerDaemon(env)
	if err != nil {
		return "", err
	}
	if s, ok := m["bip"].(string); ok && strings.TrimSpace(s) != "" {
		return strings.TrimSpace(s), nil
	}
	return DefaultDockerBridge, nil
}

// RenderDockerDaemon sets bip and keeps every other key.
func RenderDockerDaemon(m map[string]any, bip string) ([]byte, error) {
	m["bip"] = bip
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// Exists reports whether the host path exists under the root (a link
// counts: it is not followed).
func Exists(env *steps.Env, host string) bool {
	_, err := edgeprops.NewRoot(steps.EnvRoot(env)).Lstat(steps.RootPath(env, host))
	return err == nil
}
