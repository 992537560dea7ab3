// Package timeline is the list of states a workflow went through, each
// with the time it was reached: the device registration of option 7 and
// the Data Broker link (B) both show one.
package timeline

import "time"

// StatusChange is one state reached, with when.
type StatusChange struct {
	Status string    `json:"status"`
	At     time.Time `json:"at"`
}

// Timeline is the list of states a workflow went through.
type Timeline []StatusChange

// Observe appends status when it differs from the last one and reports
// whether it did.
func (t *Timeline) Observe(status string, at time.Time) bool {
	if status == "" || (len(*t) > 0 && (*t)[len(*t)-1].Status == status) {
		return false
	}
	*t = append(*t, StatusChange{Status: status, At: at})
	return true
}

// Current is the latest status, or "".
func (t Timeline) Current() string {
	if len(t) == 0 {
		return ""
	}
	return t[len(t)-1].Status
}

// Reached is when status was first reached, and whether it was.
func (t Timeline) Reached(status string) (time.Time, bool) {
	for _, c := range t {
		if c.Status == status {
			return c.At, true
		}
	}
	return time.Time{}, false
}
