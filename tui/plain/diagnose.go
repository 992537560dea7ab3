package plain

import (
	"context"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/diagnose"
)

// diagnose runs the connection checks of `edge-setup diagnose` (menu entry d).
func (u *UI) diagnose(ctx context.Context) {
	u.println("\nD - Diagnose the connection to the tenant")
	checks := diagnose.Diagnose(ctx, u.env, "", func(e steps.Event) {
		switch e.Kind {
		case steps.SubStepDone:
			u.printf("  [ok]      %s: %s\n", e.Name, e.Detail)
		case steps.Warning:
			u.printf("  [warning] %s: %s\n", e.Name, e.Detail)
		case steps.SubStepFailed:
			u.printf("  [FAILED]  %s: %s\n", e.Name, e.Detail)
		case steps.SubStepSkipped:
			u.printf("  [skipped] %s: %s\n", e.Name, e.Detail)
		case steps.Info:
			u.printf("            fix: %s\n", e.Detail)
		}
	})
	if diagnose.ChecksFailed(checks) {
		u.println("Some checks failed: follow the fix under the first failed check, then run the checks again.")
		return
	}
	u.println("The tenant is reachable.")
}
