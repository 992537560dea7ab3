package steps

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/edge-setup/edge-setup/edgeprops"
)

// Network is option 1, "Configure network": a static IPv4 setup of the VM's
// interface (netplan), the DNS server and the Docker bridge network.
type Network struct{}

// Prompt texts of option 1 (reference).
const (
	PromptNetworkFile  = "* Enter existing file path containing network parameters:"
	PromptIP           = "* Enter new IP address for ethernet interface:"
	PromptNetmask      = "* Enter netmask:"
	PromptGateway      = "* Enter gateway IP:"
	PromptDNS          = "* Enter DNS Server IP:"
	PromptDockerBridge = "* Enter Default Docker Bridge Network CIDR (Current value: %s. Leave blank to retain the same):"
)

func (Network) Number() int       { return 1 }
func (Network) Title(*Env) string { return "Configure network" }

// Available refuses over SSH (the new address would cut the session) and
// when the VM has no network interface to configure.
func (Network) Available(env *Env) error {
	if err := refuseOverSSH(env, 1); err != nil {
		return err
	}
	_, _, err := PrimaryInterface(env)
	return err
}

func (Network) NextPrompt(env *Env, a Answers) (*Prompt, error) {
	current, err := CurrentDockerBridge(env)
	if err != nil {
		return nil, err
	}
	cfg, _ := env.Props.LoadConfigDat()
	def := func(k string) string {
		if cfg == nil {
			return ""
		}
		return cfg.Get(k)
	}
	fields := []InputField{
		{Key: CfgNetworkIP, Param: CfgNetworkIP, Prompt: func(Answers) *Prompt {
			return &Prompt{Key: CfgNetworkIP, Text: PromptIP, Default: def(CfgNetworkIP),
				Help: "The fixed IPv4 address of this Edge VM, e.g. 192.168.1.10", Validate: ValidateHostIP}
		}},
		{Key: CfgNetmask, Param: CfgNetmask, Prompt: func(a Answers) *Prompt {
			ip, _ := netip.ParseAddr(a[CfgNetworkIP])
			return &Prompt{Key: CfgNetmask, Text: PromptNetmask, Default: def(CfgNetmask),
				Help:     "e.g. 255.255.255.0 (a /24 prefix length is accepted too)",
				Validate: func(s string) (string, error) { return ValidateNetmask(s, ip) }}
		}},
		{Key: CfgGateway, Param: CfgGateway, Prompt: func(a Answers) *Prompt {
			return &Prompt{Key: CfgGateway, Text: PromptGateway, Default: def(CfgGateway),
				Help:     "The router of " + HostSubnet(a[CfgNetworkIP], a[CfgNetmask]).String(),
				Validate: func(s string) (string, error) { return ValidateGateway(s, a[CfgNetworkIP], a[CfgNetmask]) }}
		}},
		{Key: CfgDNS, Param: CfgDNS, Prompt: func(a Answers) *Prompt {
			return &Prompt{Key: CfgDNS, Text: PromptDNS, Default: def(CfgDNS),
				Help:     "If unknown, enter the gateway IP; 10.96.0.10 and 127.0.0.1 must not be used",
				Validate: ValidateDNS}
		}},
		{Key: CfgDockerBridge, Param: CfgDockerBridge, Prompt: func(a Answers) *Prompt {
			host := HostSubnet(a[CfgNetworkIP], a[CfgNetmask])
			return &Prompt{Key: CfgDockerBridge, Text: fmt.Sprintf(PromptDockerBridge, current),
				Help:     "The Docker bridge's own address with prefix; it must not overlap 10.96.0.0/12, 10.244.0.0/16 or " + host.String(),
				Validate: func(s string) (string, error) { return ValidateDockerBridge(s, current, host) }}
		}},
	}
	return NextInput(env, a, PromptNetworkFile, fields)
}

func (Network) Confirm(env *Env, a Answers) []string {
	prefix, _ := ParseNetmask(a[CfgNetmask])
	iface, why, err := PrimaryInterface(env)
	if err != nil {
		return []string{"No network interface found: " + err.Error()}
	}
	lines := []string{
		fmt.Sprintf("Interface %s (%s): static address %s/%d, gateway %s, DNS %s", iface, why, a[CfgNetworkIP], prefix, a[CfgGateway], a[CfgDNS]),
		"Write " + NetplanFile + " (DHCP off for " + iface + "; 90-: netplan reads it after the others)",
	}
	lines = append(lines, NetplanConflicts(env, iface)...)
	if Exists(env, OldNetplanFile) {
		lines = append(lines, "Remove "+OldNetplanFile+" (written by an earlier edge-setup; its address would be added to the new one)")
	}
	if cur, err := CurrentDockerBridge(env); err == nil && cur == a[CfgDockerBridge] {
		lines = append(lines, "Docker bridge stays "+cur)
	} else {
		lines = append(lines, fmt.Sprintf("Docker bridge (bip in %s): %s -> %s", DockerDaemonFile, cur, a[CfgDockerBridge]))
	}
	return append(lines,
		"Save the network parameters in /"+edgeprops.ConfigDatFile,
		"Run "+NetplanApply.String()+": the VM's address changes now"+plannedOnly(env),
		"Then restart the Edge VM")
}

func (Network) Run(ctx context.Context, env *Env, a Answers, emit Emit) error {
	t := NewTrackerContext(ctx, emit)
	prefix, err := ParseNetmask(a[CfgNetmask])
	if err != nil {
		return err
	}
	var iface string
	if err := t.Do("Find the network interface", func() (string, error) {
		var why string
		var err error
		iface, why, err = PrimaryInterface(env)
		return iface + " (" + why + ")", err
	}); err != nil {
		return err
	}
	for _, l := range NetplanConflicts(env, iface) {
		t.Warn(l)
	}
	x := newFileTxn(env)
	if Exists(env, OldNetplanFile) {
		if err := t.Do("Remove "+OldNetplanFile, func() (string, error) {
			return "replaced by " + NetplanFile, x.remove(OldNetplanFile)
		}); err != nil {
			return x.failed(err)
		}
	}
	if err := t.Do("Write "+NetplanFile, func() (string, error) {
		data, err := RenderNetplan(iface, a[CfgNetworkIP], prefix, a[CfgGateway], a[CfgDNS])
		if err != nil {
			return "", err
		}
		// 0600: netplan warns about (and newer versions refuse) readable files.
		return fmt.Sprintf("%s/%d via %s", a[CfgNetworkIP], prefix, a[CfgGateway]), x.write(NetplanFile, data, 0o600)
	}); err != nil {
		return x.failed(err)
	}
	daemon, err := ReadDockerDaemon(env)
	if err != nil {
		return x.failed(err)
	}
	if cur, _ := daemon["bip"].(string); cur == a[CfgDockerBridge] || (cur == "" && a[CfgDockerBridge] == DefaultDockerBridge) {
		t.Skip("Update the Docker bridge in "+DockerDaemonFile, "unchanged ("+a[CfgDockerBridge]+")")
	} else if err := t.Do("Update the Docker bridge in "+DockerDaemonFile, func() (string, error) {
		data, err := RenderDockerDaemon(daemon, a[CfgDockerBridge])
		if err != nil {
			return "", err
		}
		return "bip " + a[CfgDockerBridge], x.write(DockerDaemonFile, data, 0o644)
	}); err != nil {
		return x.failed(err)
	}
	if err := t.Do("Save the network parameters in config.dat", func() (string, error) {
		if err := x.snapshot("/" + edgeprops.ConfigDatFile); err != nil {
			return "", err
		}
		d, err := env.Props.LoadConfigDat()
		if err != nil {
			return "", err
		}
		d.Set(CfgNetworkIP, a[CfgNetworkIP])
		d.Set(CfgNetmask, a[CfgNetmask])
		d.Set(CfgGateway, a[CfgGateway])
		d.Set(CfgDNS, a[CfgDNS])
		return "", env.Props.SaveConfigDat(d)
	}); err != nil {
		return x.failed(err)
	}
	if err := t.Do("Apply the network configuration", func() (string, error) {
		_, err := env.Runner.Run(ctx, emit, NetplanApply)
		if err != nil {
			return "", fmt.Errorf("%w; %s; run 'netplan apply' or restart the VM to return to the previous network settings", err, x.rollback())
		}
		return plannedOr(env, "applied"), nil
	}); err != nil {
		return err
	}
	if err := recordDone(env, t, 1); err != nil {
		return err
	}
	t.Info(fmt.Sprintf("The network of %s is now %s/%d. Restart the Edge VM (sudo reboot) so that Docker and all Edge services use the new settings.", iface, a[CfgNetworkIP], prefix))
	return nil
}

// plannedOr is the detail of a command sub-step: "planned" under a sandbox root.
// plannedOnly is the plan's note on a command a sandbox root does not run
// (the same words in every option).
func plannedOnly(env *Env) string {
	if env.Sandboxed() {
		return " (planned only: the root is a sandbox)"
	}
	return ""
}

func plannedOr(env *Env, done string) string {
	if !env.Runner.Execute {
		return "planned (sandbox root)"
	}
	return done
}
