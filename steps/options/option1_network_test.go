package options

import (
	"context"
	"encoding/json"
	"errors"
	"net/netip"
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/system"
)

// netFixtures creates the interfaces of a typical Edge VM under the root.
func netFixtures(t *testing.T, te *testEnv, ifaces ...string) {
	t.Helper()
	for _, i := range ifaces {
		if err := os.MkdirAll(steps.RootPath(te.Env, "/sys/class/net/"+i), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

const routeTable = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n" +
	"ens192\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n" +
	"ens192\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n"

func networkInputs() []in {
	return []in{
		ok(system.PromptInputMode, "C"),
		ok(PromptIP, "192.168.1.10"),
		ok(PromptNetmask, "255.255.255.0"),
		ok(PromptGateway, "192.168.1.1"),
		ok(PromptDNS, "192.168.1.1"),
		ok("Docker Bridge", "172.18.0.1/16"),
	}
}

func TestNetworkRefusedOverSSH(t *testing.T) {
	for _, v := range []string{"SSH_CONNECTION", "SSH_TTY"} {
		te := newTestEnv(t)
		netFixtures(t, te, "lo", "ens160")
		te.vars[v] = "10.0.0.2 51234 10.0.0.5 22"
		err := (Network{}).Available(te.Env)
		if err == nil || !strings.Contains(err.Error(), "must be run from the VM console, not over SSH") {
			t.Fatalf("%s: %v", v, err)
		}
	}
}

func TestPrimaryInterface(t *testing.T) {
	te := newTestEnv(t)
	if _, _, err := system.PrimaryInterface(te.Env); err == nil || !strings.Contains(err.Error(), "no Ethernet interface was found") {
		t.Fatalf("no interfaces: %v", err)
	}
	netFixtures(t, te, "lo", "docker0", "veth1a2b", "br-0123", "cni0", "flannel.1")
	if err := (Network{}).Available(te.Env); err == nil {
		t.Fatal("only virtual interfaces: available")
	}
	netFixtures(t, te, "ens160")
	if name, why, err := system.PrimaryInterface(te.Env); name != "ens160" || why != "the only network interface" || err != nil {
		t.Fatalf("%s %s %v", name, why, err)
	}
	netFixtures(t, te, "ens192")
	if name, _, _ := system.PrimaryInterface(te.Env); name != "ens160" {
		t.Fatalf("no route: %s, want the first", name)
	}
	te.write(t, "/proc/net/route", routeTable)
	if name, why, _ := system.PrimaryInterface(te.Env); name != "ens192" || why != "it carries the default route" {
		t.Fatalf("with route: %s (%s)", name, why)
	}
}

func TestNetworkValidation(t *testing.T) {
	te := newTestEnv(t)
	netFixtures(t, te, "lo", "ens160")
	te.write(t, system.DockerDaemonFile, `{"log-driver":"json-file","bip":"172.17.0.1/16"}`)
	_, shown := drive(t, te.Env, Network{},
		ok(system.PromptInputMode, "c"),
		bad(PromptIP, "", "enter the IP address"),
		bad(PromptIP, "192.168.1", "is not an IPv4 address"),
		bad(PromptIP, "192.168.1.300", "is not an IPv4 address"),
		bad(PromptIP, "fe80::1", "the Edge network needs IPv4"),
		bad(PromptIP, "192.168.1.10/24", "without a /prefix"),
		bad(PromptIP, "127.0.0.1", "loopback"),
		bad(PromptIP, "0.0.0.0", "cannot be a host address"),
		bad(PromptIP, "224.0.0.1", "multicast"),
		bad(PromptIP, "169.254.1.1", "link-local"),
		bad(PromptIP, "10.96.5.5", "reserved for microservice hosting"),
		bad(PromptIP, "10.244.0.7", "reserved for microservice hosting"),
		ok(PromptIP, "192.168.1.10"),
		bad(PromptNetmask, "255.0.255.0", "1-bits must be contiguous"),
		bad(PromptNetmask, "255.255.255.1", "1-bits must be contiguous"),
		bad(PromptNetmask, "255.255.256.0", "is not a netmask"),
		bad(PromptNetmask, "255.255.255.255", "leaves no room"),
		bad(PromptNetmask, "0.0.0.0", "every address in one network"),
		bad(PromptNetmask, "/33", "is not a prefix length"),
		bad(PromptNetmask, "128.0.0.0", "wider than any real LAN"),
		ok(PromptNetmask, "/24"),
		bad(PromptGateway, "192.168.2.1", "outside the VM's network 192.168.1.0/24"),
		bad(PromptGateway, "192.168.1.0", "is the network address of 192.168.1.0/24"),
		bad(PromptGateway, "192.168.1.255", "is the broadcast address"),
		bad(PromptGateway, "192.168.1.10", "the VM's own IP address"),
		ok(PromptGateway, "192.168.1.1"),
		bad(PromptDNS, "10.96.0.10", "DNS of microservice hosting"),
		bad(PromptDNS, "127.0.0.1", "loopback"),
		bad(PromptDNS, "127.0.0.53", "loopback"),
		bad(PromptDNS, "dns.example.com", "is not an IPv4 address"),
		ok(PromptDNS, "192.168.1.1"), // the gateway is allowed
		bad("Docker Bridge", "10.96.0.1/16", "overlaps 10.96.0.0/12"),
		bad("Docker Bridge", "10.244.1.1/24", "overlaps 10.244.0.0/16"),
		bad("Docker Bridge", "192.168.0.1/16", "overlaps the VM's network 192.168.1.0/24"),
		bad("Docker Bridge", "172.18.0.0/16", "is the network address"),
		bad("Docker Bridge", "172.18.255.255/16", "is the broadcast address"),
		bad("Docker Bridge", "172.18.0.1", "has no prefix length"),
		bad("Docker Bridge", "172.18.0.1/31", "not a usable bridge network size"),
		bad("Docker Bridge", "bridge", "is not a network in CIDR notation"),
		ok("Docker Bridge", ""), // blank keeps the current one
	)
	last := shown[len(shown)-1]
	if last.Text != "* Enter Default Docker Bridge Network CIDR (Current value: 172.17.0.1/16. Leave blank to retain the same):" {
		t.Fatalf("bridge prompt %q", last.Text)
	}
}

func TestNetmaskAgainstAddress(t *testing.T) {
	for _, c := range []struct{ ip, mask, err string }{
		{"192.168.1.0", "255.255.255.0", "is the network address of 192.168.1.0/24"},
		{"192.168.1.255", "255.255.255.0", "is the broadcast address of 192.168.1.0/24"},
		{"192.168.1.8", "255.255.255.248", "is the network address of 192.168.1.8/29"},
		{"192.168.1.0", "255.255.0.0", ""}, // a host in a /16
		{"10.1.2.3", "8", ""},
	} {
		got, err := system.ValidateNetmask(c.mask, netip.MustParseAddr(c.ip))
		if c.err == "" {
			if err != nil {
				t.Errorf("%s %s: %v", c.ip, c.mask, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s %s: %q %v, want %q", c.ip, c.mask, got, err, c.err)
		}
	}
	if got, _ := system.ValidateNetmask("8", netip.Addr{}); got != "255.0.0.0" {
		t.Fatalf("prefix 8 -> %q", got)
	}
}

func TestDockerBridgeCurrentValue(t *testing.T) {
	te := newTestEnv(t)
	netFixtures(t, te, "ens160")
	te.write(t, system.DockerDaemonFile, `{"bip":"172.30.0.1/24"}`)
	a, shown := drive(t, te.Env, Network{}, append(networkInputs()[:5], ok("Current value: 172.30.0.1/24.", ""))...)
	if a[steps.CfgDockerBridge] != "172.30.0.1/24" {
		t.Fatalf("blank kept %q; prompt %q", a[steps.CfgDockerBridge], shown[len(shown)-1].Text)
	}
	// A current value that overlaps the new host network cannot be kept.
	got, err := system.ValidateDockerBridge("", "172.30.0.1/24", netip.MustParsePrefix("172.30.0.0/16"))
	if err == nil || !strings.Contains(err.Error(), "overlaps the VM's network") {
		t.Fatalf("%q %v", got, err)
	}
	te.write(t, system.DockerDaemonFile, `{"bip": `)
	if _, err := (Network{}).NextPrompt(te.Env, steps.Answers{}); err == nil || !strings.Contains(err.Error(), "is not valid JSON") {
		t.Fatalf("broken daemon.json: %v", err)
	}
}

func TestNetworkRunWritesFiles(t *testing.T) {
	te := newTestEnv(t)
	netFixtures(t, te, "lo", "ens160", "ens192", "docker0")
	te.write(t, "/proc/net/route", routeTable)
	te.write(t, system.DockerDaemonFile, `{"log-driver": "json-file", "bip": "172.17.0.1/16"}`)
	te.write(t, "/etc/netplan/50-cloud-init.yaml", "network:\n  ethernets:\n    ens192:\n      dhcp4: true\n")
	te.write(t, "/etc/netplan/01-edge-setup.yaml", "network:\n  ethernets:\n    ens192:\n      addresses: [10.1.1.1/24]\n")
	a, _ := drive(t, te.Env, Network{}, networkInputs()...)
	confirm := (Network{}).Confirm(te.Env, a)
	// The conflict with cloud-init's file is in the plan, before Proceed,
	// and the file written is read after it (netplan's name order).
	wantLines(t, confirm,
		"Interface ens192 (it carries the default route): static address 192.168.1.10/24, gateway 192.168.1.1, DNS 192.168.1.1",
		"Write /etc/netplan/90-edge-setup.yaml (DHCP off for ens192; 90-: netplan reads it after the others)",
		"Note: /etc/netplan/50-cloud-init.yaml also configures ens192; 90-edge-setup.yaml is read after it and wins (addresses listed there are added: remove them)",
		"Remove /etc/netplan/01-edge-setup.yaml (written by an earlier edge-setup; its address would be added to the new one)",
		"Docker bridge (bip in /etc/docker/daemon.json): 172.17.0.1/16 -> 172.18.0.1/16",
		"Save the network parameters in /opt/c8y/utilities/post-installer/config.dat",
		"Run netplan apply: the VM's address changes now (planned only: the root is a sandbox)",
		"Then restart the Edge VM",
	)
	evs := mustRun(t, te.Env, Network{}, a)

	var np struct {
		Network struct {
			Version   int
			Renderer  string
			Ethernets map[string]struct {
				DHCP4       bool `yaml:"dhcp4"`
				Addresses   []string
				Routes      []struct{ To, Via string }
				Nameservers struct{ Addresses []string }
			}
		}
	}
	if te.exists("/etc/netplan/01-edge-setup.yaml") || "/etc/netplan/50-cloud-init.yaml" > system.NetplanFile {
		t.Fatal("the earlier file was not removed, or the file written loses to cloud-init's in netplan's order")
	}
	raw := te.read(t, system.NetplanFile)
	if err := yaml.Unmarshal([]byte(raw), &np); err != nil {
		t.Fatalf("netplan file is not YAML: %v\n%s", err, raw)
	}
	eth := np.Network.Ethernets["ens192"]
	if np.Network.Version != 2 || eth.DHCP4 || strings.Join(eth.Addresses, ",") != "192.168.1.10/24" ||
		len(eth.Routes) != 1 || eth.Routes[0].To != "default" || eth.Routes[0].Via != "192.168.1.1" ||
		strings.Join(eth.Nameservers.Addresses, ",") != "192.168.1.1" {
		t.Fatalf("netplan file:\n%s", raw)
	}
	if m := te.mode(t, system.NetplanFile); m != 0o600 {
		t.Errorf("netplan mode %o, want 0600", m)
	}
	var daemon map[string]any
	if err := json.Unmarshal([]byte(te.read(t, system.DockerDaemonFile)), &daemon); err != nil {
		t.Fatal(err)
	}
	if daemon["bip"] != "172.18.0.1/16" || daemon["log-driver"] != "json-file" {
		t.Fatalf("daemon.json %v", daemon)
	}
	if m := te.mode(t, system.DockerDaemonFile); m != 0o644 {
		t.Errorf("daemon.json mode %o", m)
	}
	cfg := te.read(t, "/opt/c8y/utilities/post-installer/config.dat")
	for _, want := range []string{"network.ip=192.168.1.10", "netmask=255.255.255.0", "gateway.ip=192.168.1.1", "dns.server.ip=192.168.1.1"} {
		wantContains(t, cfg, want)
	}
	wantLines(t, planned(te.Env), "netplan apply")
	if got := te.read(t, "/"+steps.PlannedCommandsFile); got != "netplan apply\n" {
		t.Fatalf("planned-commands.log %q", got)
	}
	if !hasEvent(evs, steps.Info, "Restart the Edge VM") {
		t.Fatal("no restart advice")
	}
	if !hasEvent(evs, steps.Warning, "/etc/netplan/50-cloud-init.yaml also configures ens192") {
		t.Fatal("no warning about the other netplan file")
	}
	if _, done, _ := system.Completed(te.Env, 1); !done {
		t.Fatal("completion not recorded")
	}
}

func TestNetworkUnchangedBridgeIsSkipped(t *testing.T) {
	te := newTestEnv(t)
	netFixtures(t, te, "ens160")
	in := append(networkInputs()[:5], ok("Docker Bridge", ""))
	a, _ := drive(t, te.Env, Network{}, in...)
	evs := mustRun(t, te.Env, Network{}, a)
	if !hasEvent(evs, steps.SubStepSkipped, "Update the Docker bridge") || te.exists(system.DockerDaemonFile) {
		t.Fatal("daemon.json written although the bridge did not change")
	}
}

func TestNetworkApplyFailureRestoresFiles(t *testing.T) {
	te := newTestEnv(t)
	netFixtures(t, te, "ens160")
	te.write(t, system.DockerDaemonFile, `{"bip":"172.17.0.1/16"}`)
	te.write(t, system.NetplanFile, "# previous\n")
	te.Runner = &steps.Runner{Root: te.Root, Execute: true, Exec: func(ctx context.Context, c steps.Command) ([]byte, error) {
		return []byte("Invalid YAML"), errors.New("exit status 1")
	}}
	a, _ := drive(t, te.Env, Network{}, networkInputs()...)
	_, err := run(t, te.Env, Network{}, a)
	if err == nil || !strings.Contains(err.Error(), "netplan apply failed") || !strings.Contains(err.Error(), "were restored") {
		t.Fatalf("err %v", err)
	}
	if te.read(t, system.NetplanFile) != "# previous\n" || te.read(t, system.DockerDaemonFile) != `{"bip":"172.17.0.1/16"}` {
		t.Fatal("files not restored")
	}
	if te.exists("/opt/c8y/utilities/post-installer/config.dat") {
		t.Fatal("config.dat not restored (it did not exist)")
	}
}

func TestNetworkFileMode(t *testing.T) {
	te := newTestEnv(t)
	netFixtures(t, te, "ens160")
	te.write(t, "/root/net.txt", "network.ip=192.168.1.10\nnetmask=255.0.255.0\ngateway.ip=192.168.1.1\n# no dns\ndocker.bridge.cidr=172.18.0.1/16\n")
	a, shown := drive(t, te.Env, Network{},
		ok(system.PromptInputMode, "F"),
		bad(PromptNetworkFile, "/root", "is a directory"),
		bad(PromptNetworkFile, "/root/missing.txt", "does not exist"),
		ok(PromptNetworkFile, "/root/net.txt"),
		ok(PromptNetmask, "255.255.255.0"),
		ok(PromptDNS, "192.168.1.1"),
	)
	if len(shown) != 4 {
		t.Fatalf("asked %d questions", len(shown))
	}
	wantContains(t, shown[2].Note, "netmask in /root/net.txt is not usable (255.0.255.0 is not a valid netmask: its 1-bits must be contiguous")
	wantContains(t, shown[3].Note, "dns.server.ip is not in /root/net.txt: enter it here")
	if a[steps.CfgNetworkIP] != "192.168.1.10" || a[steps.CfgGateway] != "192.168.1.1" || a[steps.CfgDockerBridge] != "172.18.0.1/16" {
		t.Fatalf("answers %v", a)
	}
	mustRun(t, te.Env, Network{}, a)
}

func TestParamFileProblems(t *testing.T) {
	te := newTestEnv(t)
	te.write(t, "/root/empty.txt", "# nothing\n")
	p := system.InputFilePrompt(te.Env, PromptNetworkFile)
	if _, err := p.Check("/root/empty.txt"); err == nil || !strings.Contains(err.Error(), "holds no parameters") {
		t.Fatalf("empty file: %v", err)
	}
	if _, err := p.Check(""); err == nil {
		t.Fatal("empty path accepted")
	}
	// A file accepted but removed before the next question is asked again.
	te.write(t, "/root/net.txt", "network.ip=192.168.1.10\n")
	a := steps.Answers{system.KeyInputMode: system.InputFile, system.KeyInputFile: "/root/net.txt"}
	if err := os.Remove(steps.RootPath(te.Env, "/root/net.txt")); err != nil {
		t.Fatal(err)
	}
	netFixtures(t, te, "ens160")
	next, err := (Network{}).NextPrompt(te.Env, a)
	if err != nil || next.Key != system.KeyInputFile || !strings.Contains(next.Note, "does not exist") {
		t.Fatalf("%+v %v", next, err)
	}
}

func TestHostPath(t *testing.T) {
	sandbox := &steps.Env{Root: "/srv/edge"}
	if got := steps.HostPath(sandbox, "/tmp/x.crt"); got != "/srv/edge/tmp/x.crt" {
		t.Fatal(got)
	}
	if got := steps.HostPath(sandbox, "certs/x.crt"); got != "certs/x.crt" {
		t.Fatal(got)
	}
	if got := steps.HostPath(&steps.Env{Root: "/"}, "/tmp/x.crt"); got != "/tmp/x.crt" {
		t.Fatal(got)
	}
}
