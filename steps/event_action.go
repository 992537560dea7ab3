package steps

import "strings"

// Action says what a sub-step did to the Edge, so that front ends decide
// from a field, not from the wording of its name.
type Action int

const (
	ActionOther  Action = iota
	ActionWrite         // wrote (or would write) a file
	ActionRead          // only read something
	ActionRecord        // kept edge-setup's own records (completion, history)
)

// actionOf is the one place a sub-step's name says its action: the
// Tracker sets Event.Action from the names the steps give it ("Write …",
// "Read …", "Record …").
func actionOf(name string) Action {
	switch {
	case strings.HasPrefix(name, "Write "):
		return ActionWrite
	case strings.HasPrefix(name, "Read "):
		return ActionRead
	case strings.HasPrefix(name, "Record "):
		return ActionRecord
	}
	return ActionOther
}
