package tui_test

import (
	"testing"

	"github.com/edge-setup/edge-setup/steps/stepstest"
)

// remoteCases set up S against an SSH server on loopback, through the
// world's tenant and a relay of its own.
var remoteCases = []parityCase{
	{
		name: "S on, with an allow entry", setup: remoteAccessEdge, option: "S", done: "Done.",
		lines: func(w *stepstest.World) []string {
			return []string{stepstest.AdminUser, stepstest.AdminPassword, "\x15127.0.0.1", "\x15" + w.Vars["SSH_PORT"], "\x15K", "\x15ops", "127.0.0.1:8443"}
		},
		answers: func(w *stepstest.World) string {
			return "options:\n  - option: S\n    answers: {tenant_user: " + stepstest.AdminUser + ", tenant_password: " + stepstest.AdminPassword +
				", ssh_host: 127.0.0.1, ssh_port: \"" + w.Vars["SSH_PORT"] + "\", ssh_credentials: K, ssh_user: ops, allow: \"127.0.0.1:8443\"}\n"
		},
	},
}

func init() { parityCases = append(parityCases, remoteCases...) }

// remoteAccessEdge is a connected Edge with an sshd on loopback; the
// answers find its port in the variable SSH_PORT.
func remoteAccessEdge(t *testing.T, w *stepstest.World) {
	w.Vars["SSH_PORT"] = stepstest.RemoteAccessEdge(t, w)
}
