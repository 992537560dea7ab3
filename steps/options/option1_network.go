package options

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/system"
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

func (Network) Number() int             { return 1 }
func (Network) Title(*steps.Env) string { return "Configure network" }

// Available refuses over SSH (the new address would cut the session) and
// when the VM has no network interface to configure.
func (Network) Available(env *steps.Env) error {
	if err := system.RefuseOverSSH(env, 1); err != nil {
		return err
	}
	_, _, err := system.PrimaryInterface(env)
	return err
}

func (Network) NextPrompt(env *steps.Env, a steps.Answers) (*steps.Prompt, error) {
	current, err := system.CurrentDockerBridge(env)
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
	fields := []system.InputField{
		{Key: steps.CfgNetworkIP, Param: steps.CfgNetworkIP, Prompt: func(steps.Answers) *steps.Prompt {
			return &steps.Prompt{Key: steps.CfgNetworkIP, Text: PromptIP, Default: def(steps.CfgNetworkIP),
				Help: "The fixed IPv4 address of this Edge VM, e.g. 192.168.1.10", Validate: system.ValidateHostIP}
		}},
		{Key: steps.CfgNetmask, Param: steps.CfgNetmask, Prompt: func(a steps.Answers) *steps.Prompt {
			ip, _ := netip.ParseAddr(a[steps.CfgNetworkIP])
			return &steps.Prompt{Key: steps.CfgNetmask, Text: PromptNetmask, Default: def(steps.CfgNetmask),
				Help:     "e.g. 255.255.255.0 (a /24 prefix length is accepted too)",
				Validate: func(s string) (string, error) { return system.ValidateNetmask(s, ip) }}
		}},
		{Key: steps.CfgGateway, Param: steps.CfgGateway, Prompt: func(a steps.Answers) *steps.Prompt {
			return &steps.Prompt{Key: steps.CfgGateway, Text: PromptGateway, Default: def(steps.CfgGateway),
				Help: "The router of " + system.HostSubnet(a[steps.CfgNetworkIP], a[steps.CfgNetmask]).String(),
				Validate: func(s string) (string, error) {
					return system.ValidateGateway(s, a[steps.CfgNetworkIP], a[steps.CfgNetmask])
				}}
		}},
		{Key: steps.CfgDNS, Param: steps.CfgDNS, Prompt: func(a steps.Answers) *steps.Prompt {
			return &steps.Prompt{Key: steps.CfgDNS, Text: PromptDNS, Default: def(steps.CfgDNS),
				Help:     "If unknown, enter the gateway IP; 10.96.0.10 and 127.0.0.1 must not be used",
				Validate: system.ValidateDNS}
		}},
		{Key: steps.CfgDockerBridge, Param: steps.CfgDockerBridge, Prompt: func(a steps.Answers) *steps.Prompt {
			host := system.HostSubnet(a[steps.CfgNetworkIP], a[steps.CfgNetmask])
			return &steps.Prompt{Key: steps.CfgDockerBridge, Text: fmt.Sprintf(PromptDockerBridge, current),
				Help:     "The Docker bridge's own address with prefix; it must not overlap 10.96.0.0/12, 10.244.0.0/16 or " + host.String(),
				Validate: func(s string) (string, error) { return system.ValidateDockerBridge(s, current, host) }}
		}},
	}
	return system.NextInput(env, a, PromptNetworkFile, fields)
}

func (Network) Confirm(env *steps.Env, a steps.Answers) []string {
	prefix, _ := system.ParseNetmask(a[steps.CfgNetmask])
	iface, why, err := system.PrimaryInterface(env)
	if err != nil {
		return []string{"No network interface found: " + err.Error()}
	}
	lines := []string{
		fmt.Sprintf("Interface %s (%s): static address %s/%d, gateway %s, DNS %s", iface, why, a[steps.CfgNetworkIP], prefix, a[steps.CfgGateway], a[steps.CfgDNS]),
		"Write " + system.NetplanFile + " (DHCP off for " + iface + "; 90-: netplan reads it after the others)",
	}
	lines = append(lines, system.NetplanConflicts(env, iface)...)
	if system.Exists(env, system.OldNetplanFile) {
		lines = append(lines, "Remove "+system.OldNetplanFile+" (written by an earlier edge-setup; its address would be added to the new one)")
	}
	if cur, err := system.CurrentDockerBridge(env); err == nil && cur == a[steps.CfgDockerBridge] {
		lines = append(lines, "Docker bridge stays "+cur)
	} else {
		lines = append(lines, fmt.Sprintf("Docker bridge (bip in %s): %s -> %s", system.DockerDaemonFile, cur, a[steps.CfgDockerBridge]))
	}
	return append(lines,
		"Save the network parameters in /"+edgeprops.ConfigDatFile,
		"Run "+system.NetplanApply.String()+": the VM's address changes now"+plannedOnly(env),
		"Then restart the Edge VM")
}

func (Network) Run(ctx context.Context, env *steps.Env, a steps.Answers, emit steps.Emit) error {
	t := steps.NewTrackerContext(ctx, emit)
	prefix, err := system.ParseNetmask(a[steps.CfgNetmask])
	if err != nil {
		return err
	}
	var iface string
	if err := t.Do("Find the network interface", func() (string, error) {
		var why string
		var err error
		iface, why, err = system.PrimaryInterface(env)
		return iface + " (" + why + ")", err
	}); err != nil {
		return err
	}
	for _, l := range system.NetplanConflicts(env, iface) {
		t.Warn(l)
	}
	x := newFileTxn(env)
	if system.Exists(env, system.OldNetplanFile) {
		if err := t.Do("Remove "+system.OldNetplanFile, func() (string, error) {
			return "replaced by " + system.NetplanFile, x.remove(system.OldNetplanFile)
		}); err != nil {
			return x.failed(err)
		}
	}
	if err := t.Do("Write "+system.NetplanFile, func() (string, error) {
		data, err := system.RenderNetplan(iface, a[steps.CfgNetworkIP], prefix, a[steps.CfgGateway], a[steps.CfgDNS])
		if err != nil {
			return "", err
		}
		// 0600: netplan warns about (and newer versions refuse) readable files.
		return fmt.Sprintf("%s/%d via %s", a[steps.CfgNetworkIP], prefix, a[steps.CfgGateway]), x.write(system.NetplanFile, data, 0o600)
	}); err != nil {
		return x.failed(err)
	}
	daemon, err := system.ReadDockerDaemon(env)
	if err != nil {
		return x.failed(err)
	}
	if cur, _ := daemon["bip"].(string); cur == a[steps.CfgDockerBridge] || (cur == "" && a[steps.CfgDockerBridge] == system.DefaultDockerBridge) {
		t.Skip("Update the Docker bridge in "+system.DockerDaemonFile, "unchanged ("+a[steps.CfgDockerBridge]+")")
	} else if err := t.Do("Update the Docker bridge in "+system.DockerDaemonFile, func() (string, error) {
		data, err := system.RenderDockerDaemon(daemon, a[steps.CfgDockerBridge])
		if err != nil {
			return "", err
		}
		return "bip " + a[steps.CfgDockerBridge], x.write(system.DockerDaemonFile, data, 0o644)
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
		d.Set(steps.CfgNetworkIP, a[steps.CfgNetworkIP])
		d.Set(steps.CfgNetmask, a[steps.CfgNetmask])
		d.Set(steps.CfgGateway, a[steps.CfgGateway])
		d.Set(steps.CfgDNS, a[steps.CfgDNS])
		return "", env.Props.SaveConfigDat(d)
	}); err != nil {
		return x.failed(err)
	}
	if err := t.Do("Apply the network configuration", func() (string, error) {
		_, err := env.Runner.Run(ctx, emit, system.NetplanApply)
		if err != nil {
			return "", fmt.Errorf("%w; %s; run 'netplan apply' or restart the VM to return to the previous network settings", err, x.rollback())
		}
		return plannedOr(env, "applied"), nil
	}); err != nil {
		return err
	}
	if err := system.RecordDone(env, t, 1); err != nil {
		return err
	}
	t.Info(fmt.Sprintf("The network of %s is now %s/%d. Restart the Edge VM (sudo reboot) so that Docker and all Edge services use the new settings.", iface, a[steps.CfgNetworkIP], prefix))
	return nil
}

// plannedOr is the detail of a command sub-step: "planned" under a sandbox root.
// plannedOnly is the plan's note on a command a sandbox root does not run
// (the same words in every option).
func plannedOnly(env *steps.Env) string {
	if env.Sandboxed() {
		return " (planned only: the root is a sandbox)"
	}
	return ""
}

func plannedOr(env *steps.Env, done string) string {
	if !env.Runner.Execute {
		return "planned (sandbox root)"
	}
	return done
}
