package options

import (
	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/system"
)

// ConnectionChange is the plan line, first and in capitals, when a plan
// would disable or move the Edge's working connection to its tenant:
// options 2 and 7 both can, and an operator pressing Enter through a
// prompt must not miss it. Nil when nothing is disabled or moved.
func ConnectionChange(env *steps.Env, cfg edgeprops.AgentConfig, url string) []string {
	if cfg.URL == "" || !cfg.RemoteManagement || system.SameHost(cfg.URL, url) {
		return nil
	}
	registered := ""
	if creds, ok, err := env.Props.LoadCredentials(); err == nil && ok && creds.Username != "" {
		registered = " (it is registered there as " + creds.Username + ")"
	}
	if url == "" {
		return []string{"WARNING: DISCONNECT the Edge from " + cfg.URL + registered +
			": remote management is disabled and the tenant no longer reaches this Edge"}
	}
	return []string{"WARNING: MOVE the Edge from " + cfg.URL + " to " + url + registered +
		": it stops connecting to " + cfg.URL}
}
