// Package databroker is the Data Broker workflow of menu entry B: the
// connectors of the Edge's own tenant (the source), their state as the
// platform UI names it, the link to the cloud tenant (the destination's
// data subscription, created and accepted from the console when a cloud
// tenant user is at hand) and whether data arrives there. The wire calls
// are in tenantapi/databroker; the screens in tui. Every text that comes
// from either tenant passes safetext before it leaves this package.
package databroker

import (
	"fmt"
	"strings"

	wire "github.com/edge-setup/edge-setup/tenantapi/databroker"
)

// Connector states as the platform UI shows them.
const (
	StateWaiting    = "Waiting"
	StateActivating = "Activating"
	StateActive     = "Active"
	StatePending    = "Pending"
	StateSuspended  = "Suspended"
)

// State is a connector's state for the operator: the UI's name, what it
// means and what to do about it ("" when nothing is to be done).
type State struct {
	Name    string
	Meaning string
	Todo    string
}

// StateOf maps status and destinationStatus the way the platform UI does:
// WAITING -> Waiting; ACTIVATING -> Activating; ACTIVE + destination
// ACTIVE -> Active; ACTIVE + destination SUSPENDED -> Pending (the cloud
// side disabled it); SUSPENDED -> Suspended (with the reason when given).
// Unknown values are shown as they come (made safe), never rejected.
func StateOf(c wire.Connector) State {
	status, dest := strings.ToUpper(c.Status), strings.ToUpper(c.DestinationStatus)
	switch status {
	case wire.StatusWaiting:
		return State{StateWaiting, "not connected yet: the cloud tenant has no accepted data subscription with this connector's security code",
			"subscribe in the cloud tenant with the security code and accept the subscription (l shows the link)"}
	case wire.StatusActivating:
		return State{StateActivating, "accepted by the cloud tenant; the Edge's inventory is being synchronised", ""}
	case wire.StatusActive:
		switch dest {
		case wire.StatusSuspended:
			return State{StatePending, "the cloud tenant disabled this data subscription: nothing is forwarded until it is enabled again",
				"in the cloud tenant open Administration > Data Broker > Data subscriptions and enable it (or press e here with a cloud tenant user)"}
		case "", wire.StatusActive:
			return State{StateActive, "forwarding to the cloud tenant", ""}
		}
		return State{StateActive, "forwarding; the cloud tenant reports " + display(dest), ""}
	case wire.StatusSuspended:
		m := "suspended on the Edge: nothing is forwarded"
		if r := strings.TrimSpace(c.SuspendReason); r != "" {
			m += " (" + safeLine(r) + ")"
		}
		return State{StateSuspended, m, "press s to resume it"}
	case "":
		return State{"Unknown", "the Edge did not say what state this connector is in", "press r to read it again"}
	}
	return State{display(status), "a state edge-setup does not know (" + safeLine(c.Status) + ")", ""}
}

// display turns SOME_STATE into "Some state" (made safe).
func display(wireValue string) string {
	w := strings.ToLower(strings.ReplaceAll(safeLine(wireValue), "_", " "))
	if w == "" {
		return ""
	}
	r := []rune(w) // not w[:1]: a first character of several bytes stays whole
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// apiNames are the operator's words for the APIs a filter selects.
var apiNames = map[string]string{
	wire.APIMeasurement:   "measurements",
	wire.APIAlarm:         "alarms",
	wire.APIEvent:         "events",
	wire.APIManagedObject: "managed objects",
	wire.APIOperation:     "operations",
	wire.APIAll:           "everything",
}

// ShareWords says a canonical share answer ("measurement,alarm") in words.
func ShareWords(share string) string {
	var out []string
	for _, a := range strings.Split(share, ",") {
		if n := apiNames[a]; n != "" {
			out = append(out, n)
		} else if a != "" {
			out = append(out, safeLine(a))
		}
	}
	return strings.Join(out, ", ")
}

// Shares says in words what a connector forwards, e.g. "measurements,
// alarms of all devices". names resolves group and device ids (may be nil).
func Shares(c wire.Connector, names map[string]string) string {
	var parts []string
	for _, f := range c.Filters {
		var apis []string
		for _, a := range f.APIs {
			n := apiNames[a]
			if n == "" {
				n = safeLine(a)
			}
			apis = append(apis, n)
		}
		what := strings.Join(apis, ", ")
		switch {
		case f.SourceID != "":
			what += " of device " + named(f.SourceID, names)
		case f.DeviceGroupID != "":
			what += " of group " + named(f.DeviceGroupID, names)
		default:
			what += " of all devices"
		}
		if f.TypeFilter != "" {
			what += ", type " + safeLine(f.TypeFilter)
		}
		if f.FragmentsToCopy != nil {
			what += ", copying " + safeLine(strings.Join(f.FragmentsToCopy, ", "))
		}
		parts = append(parts, what)
	}
	if len(parts) == 0 {
		return "nothing (no filter)"
	}
	return strings.Join(parts, "; ")
}

func named(id string, names map[string]string) string {
	if n := names[id]; n != "" {
		return safeLine(n) + " (" + safeLine(id) + ")"
	}
	return safeLine(id)
}

// CountOf writes n with its noun, plural when n is not 1 ("1 device",
// "3 devices", "1 measurement").
func CountOf(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
