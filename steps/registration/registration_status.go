package registration

import (
	"strings"
	"time"

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

// StatusChange is one state reached, with when (package timeline holds
// the type the Data Broker link shares).
type StatusChange = timeline.StatusChange

// Timeline is the list of states a registration went through: the shared
// timeline.Timeline with the registration's own rule in Observe.
type Timeline []StatusChange

// Observe appends status when it is a real change and reports whether it
// did. "Not accepted yet" (all a device alone can know) says nothing new
// after "Not registered", "Waiting for connection" or "Pending acceptance"
// (a tenant user's view, for example before a resume without one), so it
// never follows them: the timeline does not seem to go backwards.
func (t *Timeline) Observe(status string, at time.Time) bool {
	if status == StatusNotAccepted {
		switch t.Current() {
		case StatusNotRegistered, StatusWaiting, StatusPending:
			return false
		}
	}
	return (*timeline.Timeline)(t).Observe(status, at)
}

// Current is the latest status, or "".
func (t Timeline) Current() string { return timeline.Timeline(t).Current() }
