package databroker

import (
	"strings"
	"testing"

	wire "github.com/edge-setup/edge-setup/tenantapi/databroker"
)

func TestStateMapping(t *testing.T) {
	cases := []struct {
		status, dest, reason string
		want, meaning        string
	}{
		{"WAITING", "", "", StateWaiting, "not connected yet"},
		{"ACTIVATING", "ACTIVE", "", StateActivating, "synchronised"},
		{"ACTIVE", "ACTIVE", "", StateActive, "forwarding"},
		{"ACTIVE", "", "", StateActive, "forwarding"},
		{"ACTIVE", "SUSPENDED", "", StatePending, "disabled"},
		{"SUSPENDED", "ACTIVE", "", StateSuspended, "suspended on the Edge"},
		{"SUSPENDED", "", "quota\x1b[2J", StateSuspended, `quota\x1b[2J`},
		{"active", "suspended", "", StatePending, "disabled"},
		{"BLOCKED_BY_X", "", "", "Blocked by x", "does not know"},
		{"", "", "", "Unknown", "did not say"},
	}
	for _, c := range cases {
		st := StateOf(wire.Connector{Status: c.status, DestinationStatus: c.dest, SuspendReason: c.reason})
		if st.Name != c.want || !strings.Contains(st.Meaning, c.meaning) {
			t.Errorf("%s/%s: %+v, want %s with %q", c.status, c.dest, st, c.want, c.meaning)
		}
		if strings.Contains(st.Meaning, "\x1b") {
			t.Errorf("%s: escape reached the text", c.status)
		}
	}
	if st := StateOf(wire.Connector{Status: "ACTIVE", DestinationStatus: "SUSPENDED"}); !strings.Contains(st.Todo, "enable") {
		t.Errorf("Pending says no way out: %+v", st)
	}
}

func TestLinkStatusFollowsTheConnector(t *testing.T) {
	cases := []struct {
		status, dest string
		cloud        bool
		want         string
	}{
		{"WAITING", "", false, LinkWaitingCode},
		{"WAITING", "", true, LinkWaiting},
		{"ACTIVATING", "ACTIVE", false, LinkAccepted},
		{"ACTIVE", "ACTIVE", true, LinkActive},
		{"ACTIVE", "SUSPENDED", true, LinkDisabled},
		{"SUSPENDED", "", true, LinkSuspended},
	}
	for _, c := range cases {
		if got := linkStatusOf(wire.Connector{Status: c.status, DestinationStatus: c.dest}, c.cloud); got != c.want {
			t.Errorf("%s/%s cloud=%v: %q, want %q", c.status, c.dest, c.cloud, got, c.want)
		}
	}
	for wireStatus, want := range map[string]string{"WAITING_FOR_CONNECTION": LinkWaiting, "PENDING_ACCEPTANCE": LinkPending, "ACCEPTED": LinkAccepted, "BLOCKED": "Blocked"} {
		if got := subscriptionStatus(wireStatus); got != want {
			t.Errorf("subscription %s: %q, want %q", wireStatus, got, want)
		}
	}
}

func TestShares(t *testing.T) {
	c := wire.Connector{Filters: []wire.Filter{{APIs: []string{"measurement", "alarm"}}, {APIs: []string{"event"}, DeviceGroupID: "7", TypeFilter: "t1", FragmentsToCopy: []string{"a", "b"}}}}
	got := Shares(c, map[string]string{"7": "Line 1"})
	want := "measurements, alarms of all devices; events of group Line 1 (7), type t1, copying a, b"
	if got != want {
		t.Fatalf("%q, want %q", got, want)
	}
}
