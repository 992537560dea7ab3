package options

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/system"
)

// MicroserviceHosting is option 8: it enables (or, once enabled, disables)
// microservice hosting, the Kubernetes runtime of the Edge. Enabling needs
// 4 logical CPUs and 8 GB RAM; the address ranges 10.96.0.0/12 (services)
// and 10.244.0.0/16 (pods) are reserved for it.
type MicroserviceHosting struct{}

// MicroserviceHostingState is the state file recording the feature.
const MicroserviceHostingState = "microservice-hosting"

type hostingState struct {
	Enabled   bool      `json:"enabled"`
	ChangedAt time.Time `json:"changedAt"`
}

// Commands of option 8. The reference names no commands; these are the
// plausible ones for a kubelet-based runtime: start (or stop) the Kubernetes
// node service and restart the core so that it (un)registers the runtime.
var (
	EnableHostingCommands = []steps.Command{
		{Name: "systemctl", Args: []string{"enable", "--now", "kubelet"}, Timeout: 5 * time.Minute},
		{Name: "systemctl", Args: []string{"restart", "cumulocity-core-karaf"}, Timeout: 10 * time.Minute},
	}
	DisableHostingCommands = []steps.Command{
		{Name: "systemctl", Args: []string{"disable", "--now", "kubelet"}, Timeout: 5 * time.Minute},
		{Name: "systemctl", Args: []string{"restart", "cumulocity-core-karaf"}, Timeout: 10 * time.Minute},
	}
)

func LoadHostingState(env *steps.Env) (hostingState, error) {
	var s hostingState
	_, err := env.Props.ReadState(MicroserviceHostingState, &s)
	return s, err
}

func (MicroserviceHosting) Number() int { return 8 }

// StableTitle is the reference's name of option 8 in any state (status).
func (MicroserviceHosting) StableTitle() string { return "Enable/Disable microservice hosting feature" }

func (MicroserviceHosting) Title(env *steps.Env) string {
	if s, err := LoadHostingState(env); err == nil && s.Enabled {
		return "Disable microservice hosting feature"
	}
	return "Enable microservice hosting feature"
}

// Available checks, before enabling, the CPUs, the memory and that the
// network settings stay out of the reserved ranges. Disabling is always possible.
func (MicroserviceHosting) Available(env *steps.Env) error {
	s, err := LoadHostingState(env)
	if err != nil {
		return fmt.Errorf("cannot read the microservice hosting state: %w", err)
	}
	if s.Enabled {
		return nil
	}
	cpus, err := system.CPUCount(env)
	if err != nil {
		return err
	}
	mem, err := system.MemTotal(env)
	if err != nil {
		return err
	}
	if cpus < system.MinHostingCPUs || mem < system.MinHostingMemBytes {
		return fmt.Errorf("microservice hosting needs %d logical CPUs and 8 GB RAM; this VM has %d CPUs and %s: give the VM more in the hypervisor, restart it and try again", system.MinHostingCPUs, cpus, system.HumanBytes(mem))
	}
	return reservedRangeConflict(env)
}

// reservedRangeConflict refuses when the VM's network (config.dat) or the
// Docker bridge lies in a reserved range.
func reservedRangeConflict(env *steps.Env) error {
	if d, err := env.Props.LoadConfigDat(); err == nil {
		if p := system.HostSubnet(d.Get(steps.CfgNetworkIP), d.Get(steps.CfgNetmask)); p.IsValid() {
			for _, r := range system.ReservedRanges {
				if p.Overlaps(r) {
					return fmt.Errorf("the VM's network %s overlaps %s, which microservice hosting reserves: change the network with option 1 first", p, r)
				}
			}
		}
	}
	if bip, err := system.CurrentDockerBridge(env); err == nil {
		if p, err := netip.ParsePrefix(bip); err == nil {
			for _, r := range system.ReservedRanges {
				if p.Masked().Overlaps(r) {
					return fmt.Errorf("the Docker bridge %s overlaps %s, which microservice hosting reserves: change it with option 1 first", bip, r)
				}
			}
		}
	}
	return nil
}

func (MicroserviceHosting) NextPrompt(*steps.Env, steps.Answers) (*steps.Prompt, error) {
	return nil, nil
}

func (m MicroserviceHosting) Confirm(env *steps.Env, a steps.Answers) []string {
	s, _ := LoadHostingState(env)
	cmds := EnableHostingCommands
	lines := []string{}
	if s.Enabled {
		cmds = DisableHostingCommands
		lines = append(lines, "Disable microservice hosting: microservices deployed on this Edge stop")
	} else {
		cpus, _ := system.CPUCount(env)
		mem, _ := system.MemTotal(env)
		lines = append(lines,
			fmt.Sprintf("Enable microservice hosting (this VM: %d CPUs, %s RAM)", cpus, system.HumanBytes(mem)),
			"Reserved for it: "+system.ReservedServiceRange.String()+" (services) and "+system.ReservedPodRange.String()+" (pods): do not use these ranges in your network")
	}
	for _, c := range cmds {
		lines = append(lines, "Run "+c.String())
	}
	if env.Sandboxed() {
		lines = append(lines, "These commands are planned only: the root is a sandbox")
	}
	return append(lines, "Record the state in /"+edgeprops.StateDir+"/"+MicroserviceHostingState+".json")
}

func (m MicroserviceHosting) Run(ctx context.Context, env *steps.Env, a steps.Answers, emit steps.Emit) error {
	t := steps.NewTrackerContext(ctx, emit)
	s, err := LoadHostingState(env)
	if err != nil {
		return fmt.Errorf("cannot read the microservice hosting state: %w", err)
	}
	enable := !s.Enabled
	if enable {
		if err := t.Do("Check CPUs, memory and address ranges", func() (string, error) {
			return "4+ CPUs, 8 GB RAM, no overlap with 10.96.0.0/12 or 10.244.0.0/16", m.Available(env)
		}); err != nil {
			return fmt.Errorf("%w; nothing was changed", err)
		}
	}
	cmds, verb := EnableHostingCommands, "enabled"
	if !enable {
		cmds, verb = DisableHostingCommands, "disabled"
	}
	for i, c := range cmds {
		if err := t.Do("Run "+c.String(), func() (string, error) {
			_, err := env.Runner.Run(ctx, emit, c)
			return plannedOr(env, "done"), err
		}); err != nil {
			if i == 0 {
				return fmt.Errorf("%w; nothing was changed", err)
			}
			return fmt.Errorf("%w; %s already ran, the state is not recorded as %s: check with 'systemctl status' and run option 8 again", err, cmds[0], verb)
		}
	}
	if err := t.Do("Record the state", func() (string, error) {
		return verb, env.Props.WriteState(MicroserviceHostingState, hostingState{Enabled: enable, ChangedAt: env.CurrentTime().UTC()})
	}); err != nil {
		return fmt.Errorf("%w; the commands ran, so microservice hosting is %s, but the menu may still show the old state: fix the cause and run option 8 again (the commands are safe to repeat)", err, verb)
	}
	if err := system.RecordDone(env, t, 8); err != nil {
		return err
	}
	if enable {
		t.Info("Microservice hosting is enabled. Keep 10.96.0.0/12 and 10.244.0.0/16 free: they are used by the microservices' network.")
	} else {
		t.Info("Microservice hosting is disabled.")
	}
	return nil
}
