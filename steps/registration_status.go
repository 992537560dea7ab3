package steps

import (
	"strings"

	"github.com/edge-setup/edge-setup/steps/timeline"
)

// Display texts of the registration states, as the tenant's UI words them.
const (
	StatusChecking      = "Checking stored credentials"
	StatusNotRegistered = "Not registered in the tenant"
	StatusWaiting       = "Waiting for connection"
	StatusPending       = "Pending acceptance"
	StatusAccepted      = "Accepted"
	StatusConnected     = "Connected"
	// StatusNotAccepted is all a device without tenant user credentials can
	// know: the tenant answers 404 whether the request is missing, waiting
	// or pending.
	StatusNotAccepted = "Not accepted yet"
)

// DisplayStatus turns a wire status of a new device request into the words
// the tenant's UI uses. Unknown statuses are shown, not rejected.
func DisplayStatus(wire string) string {
	switch strings.ToUpper(wire) {
	case "WAITING_FOR_CONNECTION":
		return StatusWaiting
	case "PENDING_ACCEPTANCE":
		return StatusPending
	case "ACCEPTED":
		return StatusAccepted
	case "BLOCKED":
		return "Blocked"
	case "":
		return StatusNotRegistered
	}
	w := strings.ToLower(strings.ReplaceAll(wire, "_", " "))
	return strings.ToUpper(w[:1]) + w[1:]
}

// StatusChange and Timeline moved to package timeline (shared with the
// Data Broker link); these names keep the registration code unchanged.
type (
	StatusChange = timeline.StatusChange
	Timeline     = timeline.Timeline
)
