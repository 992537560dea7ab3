package options_test

import (
	"context"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/steps/databroker"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/stepstest"
)

// TestEditConnectorKeepsItsCode: e changes the filters (with the checks of
// creating, each at its field: "," is refused at "what to share"), the plan
// says what changes, and the target and the security code stay.
func TestEditConnectorKeepsItsCode(t *testing.T) {
	bw := stepstest.WithDataBroker(t, stepstest.New(t))
	ctx := context.Background()
	b, err := options.NewDataBroker(bw.Env, nil)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := databroker.NewWanted("Edge A", "first", "m,a", databroker.ScopeAll, nil, "", bw.URL)
	if _, _, err := b.Ensure(ctx, w); err != nil {
		t.Fatal(err)
	}
	// A second connector (to another cloud) holds a title the edit may not take.
	other, _ := databroker.NewWanted("Other", "", "m", databroker.ScopeAll, nil, "", "https://other.example.com")
	if _, _, err := b.Ensure(ctx, other); err != nil {
		t.Fatal(err)
	}
	before, _ := b.ByName(ctx, "Edge A")
	tr, err := stepstest.Drive(ctx, bw.Env, options.DataBrokerEdit{Connector: *before},
		"Other", "Edge A", "first", ",", "measurements", "line 1", "", "")
	if err != nil {
		t.Fatalf("%v (errors %v)", err, tr.Errors)
	}
	if len(tr.Errors) != 2 || !strings.Contains(tr.Errors[0], "Duplicated connector for name") || !strings.Contains(tr.Errors[1], "at least one") {
		t.Fatalf("errors %q: want the duplicate title and the empty share, at their fields", tr.Errors)
	}
	plan := strings.Join(tr.Confirm, "\n")
	for _, want := range []string{"Shares: measurements, alarms -> measurements", "Whose data: all devices of the Edge -> group " + bw.Group, "Unchanged: title, description", "security code stay"} {
		if !strings.Contains(plan, want) {
			t.Errorf("plan lacks %q:\n%s", want, plan)
		}
	}
	after, _ := b.ByName(ctx, "Edge A")
	f := after.Filters
	if after.ID != before.ID || after.Code != before.Code || after.InstanceURL != before.InstanceURL {
		t.Fatalf("edit made a new connector or code: %v -> %v", before, after)
	}
	if len(f) != 1 || strings.Join(f[0].APIs, ",") != "measurement" || f[0].DeviceGroupID != bw.Group {
		t.Fatalf("filters %+v", f)
	}
}
