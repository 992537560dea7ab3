package options

import (
	"errors"
	"fmt"
	"strings"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/system"
)

// KeyConnectedAction is option 7's choice on an Edge that is registered
// with the URL just entered: there is nothing to write, restart or
// register, so the operator says what they came for.
const KeyConnectedAction = "connected_action"

// Values of KeyConnectedAction.
const (
	ConnectedCheck        = "check"
	ConnectedRegister     = "register again"
	ConnectedRemoteAccess = "remote access"
)

// HandOver is the step a front end opens instead of going on with the
// current one, after answers that ask for it: option 7 on a connected Edge
// answered "s" hands over to remote access (menu S). Nil: go on.
func HandOver(a steps.Answers) steps.Step {
	if a[KeyConnectedAction] == ConnectedRemoteAccess {
		return RemoteAccess{}
	}
	return nil
}

// RegisteredHere returns the device user when the Edge holds device
// credentials for url and remote management points there, else "".
func RegisteredHere(env *steps.Env, cfg edgeprops.AgentConfig, url string) string {
	if url == "" || cfg.URL == "" || !cfg.RemoteManagement || !system.SameHost(cfg.URL, url) {
		return ""
	}
	creds, ok, err := env.Props.LoadCredentials()
	if err != nil || !ok || creds.Username == "" || (creds.URL != "" && !system.SameHost(creds.URL, url)) {
		return ""
	}
	return creds.Username
}

func connectedActionPrompt(url, user string) *steps.Prompt {
	choices := "Enter c to check the connection again, u to change the URL, r to register it again, s to set up remote SSH access"
	return &steps.Prompt{
		Key:         KeyConnectedAction,
		Text:        fmt.Sprintf("* This Edge is registered with %s as %s. %s:", url, user, choices),
		Help:        "c (Enter) writes nothing and restarts nothing; r discards the device credentials and registers the Edge again.",
		Default:     "c",
		ConsoleOnly: true,
		Validate: func(s string) (string, error) {
			switch strings.ToLower(strings.TrimSpace(s)) {
			case "", "c", "check":
				return ConnectedCheck, nil
			case "r", "register", "register again":
				return ConnectedRegister, nil
			case "u":
				return "", &steps.ReaskError{Keys: []string{steps.KeyCloudURL}, Reason: "Enter the new cloud URL."}
			case "s":
				return ConnectedRemoteAccess, nil
			}
			return "", errors.New("enter c, u, r or s")
		},
	}
}

// connectedConfirm is the plan of option 7 on a connected Edge.
func connectedConfirm(a steps.Answers, url, user string) []string {
	if a[KeyConnectedAction] == ConnectedRegister {
		return []string{
			fmt.Sprintf("Keep c8y.url=%s (unchanged)", url),
			fmt.Sprintf("Discard the device credentials of %s in /%s", user, edgeprops.CredentialsFile),
			"Register this Edge with the tenant again (the agent is restarted once the new credentials are stored)",
		}
	}
	return []string{
		fmt.Sprintf("Keep c8y.url=%s (unchanged): nothing is written and the edge-agent is not restarted", url),
		fmt.Sprintf("Check the stored device credentials of %s against the tenant and show the connection", user),
	}
}
