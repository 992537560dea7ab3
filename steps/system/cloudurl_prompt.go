package system

import (
	"context"

	"github.com/edge-setup/edge-setup/steps"
)

// CloudURLPrompt is the one cloud URL question (options 2 and 7, and
// wherever else a tenant URL is asked): the reference text, the tenant URL
// prefilled so that Enter keeps the connection, and the same check: the
// format, then whether the address answers as a Cumulocity tenant (a
// closed port or another web server is refused before anything is written;
// Tab keeps it unchecked). Blank disables remote management and is not
// checked.
func CloudURLPrompt(env *steps.Env, key, current string) *steps.Prompt {
	return &steps.Prompt{
		Key:      key,
		Text:     PromptCloudURL,
		Help:     "The address of your Cumulocity tenant, e.g. https://acme.cumulocity.com",
		Default:  current,
		Validate: ValidateCloudURL,
		Verify: func(ctx context.Context, u string) error {
			if u == "" {
				return nil
			}
			return steps.VerifyTenantURL(ctx, env, u)
		},
		Verified: func(u string) string {
			if u == "" {
				return ""
			}
			return u + " answers as a Cumulocity tenant"
		},
	}
}
