package options

import (
	"context"
	"strings"
	"time"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/remoteaccess"
	"github.com/edge-setup/edge-setup/steps/system"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// The relay service's commands (planned, not run, under a sandbox root).
var (
	RelayServiceEnable  = steps.Command{Name: "systemctl", Args: []string{"enable", "--now", remoteaccess.RelayService}}
	RelayServiceDisable = steps.Command{Name: "systemctl", Args: []string{"disable", "--now", remoteaccess.RelayService}}
	daemonReload        = steps.Command{Name: "systemctl", Args: []string{"daemon-reload"}}
)

// edgeAgentUnits are where the Edge agent's unit lives when it is installed.
var edgeAgentUnits = []string{"etc/systemd/system/edge-agent.service", "lib/systemd/system/edge-agent.service", "usr/lib/systemd/system/edge-agent.service"}

// edgeAgentInstalled: the Edge agent, which also answers remote access, is on this Edge.
func edgeAgentInstalled(env *steps.Env) bool {
	for _, u := range edgeAgentUnits {
		if system.Exists(env, "/"+u) {
			return true
		}
	}
	return false
}

const agentRelayNote = "The Edge agent (edge-agent.service) is installed here and also answers remote access; only one relay per device may run"

// relayServicePlan is S's confirm line for the relay service.
func relayServicePlan(env *steps.Env) string {
	line := "Install the relay service /" + remoteaccess.RelayUnitFile + " (sessions outlive its restarts)"
	if edgeAgentInstalled(env) {
		return line + ", not enabled: " + agentRelayNote
	}
	return line + " and enable it: " + RelayServiceEnable.String()
}

// installRelayService writes the relay's unit and enables it, unless the
// Edge agent is there to relay.
func installRelayService(ctx context.Context, env *steps.Env, t *steps.Tracker) error {
	path := env.Props.Path(remoteaccess.RelayUnitFile)
	name := "Install the relay service"
	unit := remoteaccess.RelayUnitFor(executable(env))
	old, err := env.Props.ReadFile(path, 64<<10)
	unchanged := err == nil && string(old) == unit
	if unchanged {
		t.Skip(name, "unchanged: /"+remoteaccess.RelayUnitFile)
	} else if err := t.Do(name, func() (string, error) {
		if err := env.Props.WriteFile(path, []byte(unit), 0o644); err != nil {
			return "", err
		}
		return "/" + remoteaccess.RelayUnitFile, nil
	}); err != nil {
		return err
	}
	if edgeAgentInstalled(env) {
		t.Warn(agentRelayNote + ": the relay service is installed but not enabled; enable it (" + RelayServiceEnable.String() + ") only where the Edge agent does not relay")
		return nil
	}
	if unchanged && relayServiceUp(ctx, env) {
		t.Skip("Enable the relay service", "already enabled and running")
		return nil
	}
	return runCommands(ctx, env, t, "Enable the relay service", daemonReload, RelayServiceEnable)
}

// relayServiceUp reports whether systemd has the relay enabled and running.
// Under a sandbox root nothing runs: an unchanged unit there was written,
// and its enabling planned, by an earlier S, which is all a sandbox can hold.
func relayServiceUp(ctx context.Context, env *steps.Env) bool {
	if !env.Runner.Execute {
		return true
	}
	for _, c := range []steps.Command{
		{Name: "systemctl", Args: []string{"is-enabled", "--quiet", remoteaccess.RelayService}, Timeout: 10 * time.Second},
		{Name: "systemctl", Args: []string{"is-active", "--quiet", remoteaccess.RelayService}, Timeout: 10 * time.Second},
	} {
		if _, err := env.Runner.Run(ctx, nil, c); err != nil {
			return false
		}
	}
	return true
}

// runCommands runs cmds as one sub-step (planned under a sandbox root).
func runCommands(ctx context.Context, env *steps.Env, t *steps.Tracker, name string, cmds ...steps.Command) error {
	return t.Do(name, func() (string, error) {
		var said []string
		for _, c := range cmds {
			if _, err := env.Runner.Run(ctx, t.Emit, c); err != nil {
				return "", err
			}
			said = append(said, c.String())
		}
		if !env.Runner.Execute {
			return "planned, not run (sandbox root): " + strings.Join(said, "; "), nil
		}
		return strings.Join(said, "; "), nil
	})
}

// raAllowMore adds the answer's HOST:PORT list to the allow-list.
func raAllowMore(t *steps.Tracker, env *steps.Env, list string) error {
	for _, f := range strings.Split(list, ",") {
		if strings.TrimSpace(f) == "" {
			continue
		}
		name := "Allow " + strings.TrimSpace(f) + " for the relay"
		added, err := remoteaccess.Allow(env.Props, f)
		if err != nil {
			return t.Do(name, func() (string, error) { return "", err })
		}
		if !added {
			t.Skip(name, "already allowed")
			continue
		}
		if err := t.Do(name, func() (string, error) { return "/" + remoteaccess.AllowListFile, nil }); err != nil {
			return err
		}
	}
	return nil
}

// allowedNow is the allow-list for a line on the screen.
func allowedNow(env *steps.Env) string {
	l, err := remoteaccess.LoadAllowList(env.Props)
	if err != nil {
		return err.Error()
	}
	return l.String()
}

// raOffPlan is the plan of turning remote access off.
func raOffPlan(env *steps.Env) []string {
	prev := raState(env)
	lines := []string{"Delete the endpoints \"" + remoteaccess.NameSSH + "\" and \"" + remoteaccess.NamePassthrough + "\" (sessions open now go on until they end)"}
	if prev != nil {
		lines = append(lines, "Remove edge-setup's key for this tenant from ~"+prev.SSHUser+"/.ssh/authorized_keys (other lines kept)")
		if prev.Allowed != "" {
			lines = append(lines, "Take "+prev.Allowed+" back from the allow-list (other entries kept)")
		}
	}
	return append(lines, "Stop and disable the relay: "+RelayServiceDisable.String(), "Delete S's record; run S again to turn remote access on")
}

// raTurnOff is S's "turn off": the tenant side and the files, then the relay.
func raTurnOff(ctx context.Context, env *steps.Env, t *steps.Tracker, client *tenantapi.Client, user tenantapi.Credentials, edge *remoteaccess.Edge) error {
	if err := edge.Prove(ctx, env.Props, client); err != nil {
		return err
	}
	s := &remoteaccess.Setup{Props: env.Props, Client: client, User: user, Edge: edge, Now: env.Now}
	if err := s.TurnOff(ctx, t, raState(env)); err != nil {
		return err
	}
	if !remoteaccess.RelayInstalled(env.Root) {
		t.Skip("Stop and disable the relay", "its service is not installed")
		return nil
	}
	if err := runCommands(ctx, env, t, "Stop and disable the relay", RelayServiceDisable); err != nil {
		return err
	}
	t.Info("Remote access through the tenant is off for this Edge: allowed now: " + allowedNow(env))
	return nil
}

// executable is the binary the relay's unit starts.
func executable(e *steps.Env) string {
	if e.Executable == "" {
		return remoteaccess.PackagedBinary
	}
	return e.Executable
}
