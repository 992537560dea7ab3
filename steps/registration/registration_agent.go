package registration

import (
	"context"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
)

// CredentialsPath is where the device credentials are, as the operator
// finds them on the Edge.
const CredentialsPath = "/" + edgeprops.CredentialsFile

// restartAgentForCredentials restarts the edge-agent once the device
// credentials are stored, so that it connects with them. The reference is
// silent on whether the agent rereads credentials.properties by itself;
// this is a guess on the safe side (the restart option 7 ran before the
// registration happened before the file existed). A failed restart does
// not undo the registration: the text says what to run.
func (r *Registration) restartAgentForCredentials(ctx context.Context) string {
	if r.Env.Runner == nil {
		return ""
	}
	if _, err := r.Env.Runner.Run(ctx, nil, AgentServiceRestart); err != nil {
		return "not restarted (" + err.Error() + "): run " + AgentServiceRestart.String() + " so it connects with them"
	}
	if !r.Env.Runner.Execute {
		return "restart planned, not run (sandbox root): " + AgentServiceRestart.String()
	}
	return "restarted, it connects with them"
}

// AgentServiceRestart restarts the Edge agent after its configuration changed.
var AgentServiceRestart = steps.Command{Name: "systemctl", Args: []string{"restart", "edge-agent"}}
