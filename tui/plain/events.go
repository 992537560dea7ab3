package plain

import (
	"strings"

	"github.com/edge-setup/edge-setup/steps"
)

func (u *UI) event(e steps.Event) {
	u.waitMu.Lock() // the countdown's redraws print too
	defer u.waitMu.Unlock()
	switch e.Kind {
	case steps.Waiting:
		u.showWait(e)
		return
	case steps.SubStepDone, steps.SubStepFailed, steps.SubStepSkipped:
		u.wait = steps.Event{}
	}
	for _, l := range EventLines(e) {
		u.println(l)
	}
}

// EventLines formats a step event as plain lines ("  [ok]      name - detail");
// apply prints the same.
func EventLines(e steps.Event) []string {
	switch e.Kind {
	case steps.SubStepStarted:
		return nil
	case steps.SubStepDone:
		return []string{"  [ok]      " + withDetail(e)}
	case steps.SubStepFailed:
		return []string{"  [FAILED]  " + e.Name + ": " + e.Detail}
	case steps.SubStepSkipped:
		return []string{"  [skipped] " + withDetail(e)}
	case steps.Planned:
		return []string{"  [planned] would run: " + e.Detail + " (not executed under a sandbox root)"}
	case steps.Warning:
		return []string{"  [warning] " + e.Detail}
	case steps.Waiting:
		return []string{"  [wait]    " + e.Detail}
	case steps.Output:
		var out []string
		for _, l := range strings.Split(e.Detail, "\n") {
			out = append(out, "            "+l)
		}
		return out
	}
	return []string{"  [info]    " + e.Detail}
}

func withDetail(e steps.Event) string {
	if e.Detail == "" {
		return e.Name
	}
	return e.Name + " - " + e.Detail
}
