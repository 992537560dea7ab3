package databroker

import (
	"strings"
	"testing"

	wire "github.com/edge-setup/edge-setup/tenantapi/databroker"
)

func TestParseShare(t *testing.T) {
	ok := map[string]string{
		"measurements, alarms":    "measurement,alarm",
		"alarms measurements":     "measurement,alarm",
		"ma":                      "measurement,alarm",
		"m a e o":                 "managedObject,measurement,event,alarm",
		"all":                     "managedObject,measurement,event,alarm",
		"Events;inventory":        "managedObject,event",
		"managed objects, alarms": "managedObject,alarm",
	}
	for in, want := range ok {
		if got, err := ParseShare(in); err != nil || got != want {
			t.Errorf("%q: %q, %v; want %q", in, got, err, want)
		}
	}
	bad := map[string]string{"": "at least one", ",": "at least one", " ; , ": "at least one", "operations": "cannot be shared", "tea": `"tea"`, "m,x": `"x"`}
	for in, want := range bad {
		if _, err := ParseShare(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want an error with %q", in, err, want)
		}
	}
}

func TestTitleFragmentsType(t *testing.T) {
	if _, err := ValidateTitle("  "); err == nil {
		t.Error("blank title accepted")
	}
	if _, err := ValidateTitle("a\x1b]0;x\x07"); err == nil {
		t.Error("control characters accepted")
	}
	if _, err := ValidateTitle(strings.Repeat("x", MaxTitle+1)); err == nil {
		t.Error("overlong title accepted")
	}
	if got, err := ValidateTitle(" Line 1 "); err != nil || got != "Line 1" {
		t.Errorf("%q %v", got, err)
	}
	if f, err := ParseFragments(" all "); err != nil || f != nil {
		t.Errorf("all: %v %v", f, err)
	}
	if f, err := ParseFragments("c8y_Temperature, c8y_Position,c8y_Temperature"); err != nil || strings.Join(f, ",") != "c8y_Temperature,c8y_Position" {
		t.Errorf("%v %v", f, err)
	}
	if _, err := ParseFragments("a b"); err == nil {
		t.Error("a fragment with a blank accepted")
	}
	if _, err := ValidateType("x/y"); err == nil {
		t.Error("bad type accepted")
	}
}

func TestPickScope(t *testing.T) {
	devs := []wire.Object{{ID: "1", Name: "pump-1"}, {ID: "2", Name: "Twin"}, {ID: "3", Name: "twin"}}
	groups := []wire.Object{{ID: "9", Name: "Line 1"}}
	for in, want := range map[string]string{"": "all", "ALL": "all", "Pump-1": "device 1", "line 1": "group 9", "3": "device 3", "device 1": "device 1", "group 9": "group 9"} {
		sc, err := PickScope(in, devs, groups)
		if err != nil || sc.String() != want {
			t.Errorf("%q: %v %v, want %s", in, sc, err, want)
		}
	}
	if _, err := PickScope("twin", devs, groups); err == nil || !strings.Contains(err.Error(), "2 objects") {
		t.Errorf("ambiguous name: %v", err)
	}
	if _, err := PickScope("nope", devs, groups); err == nil || !strings.Contains(err.Error(), "pump-1") {
		t.Errorf("unknown name: %v", err)
	}
}

func TestWantedRules(t *testing.T) {
	if _, err := NewWanted("t", "", "", ScopeAll, nil, "", "https://c"); err == nil {
		t.Error("no filter accepted")
	}
	if _, err := NewWanted("t", "", "m", ScopeAll, nil, "", ""); err == nil || !strings.Contains(err.Error(), "choose 7") {
		t.Errorf("no target: %v", err)
	}
	w, _ := NewWanted("Edge A", "", "m", Scope{Kind: "group", ID: "9"}, []string{"c8y_T"}, "t", "https://cloud.example.com")
	f := w.Filters()
	if len(f) != 1 || f[0].DeviceGroupID != "9" || f[0].APIs[0] != "measurement" || f[0].FragmentsToCopy[0] != "c8y_T" || f[0].TypeFilter != "t" {
		t.Fatalf("filters %+v", f)
	}
	existing := []wire.Connector{{Name: "Edge A", InstanceURL: "https://other.example.com"}}
	if err := w.CheckAgainst(existing); err == nil || !strings.Contains(err.Error(), "Duplicated connector for name Edge A!") {
		t.Errorf("duplicate title: %v", err)
	}
	existing = []wire.Connector{{Name: "Old", InstanceURL: "https://cloud.example.com/"}}
	if err := w.CheckAgainst(existing); err == nil || !strings.Contains(err.Error(), "Duplicated connector for instanceUrl") {
		t.Errorf("duplicate target: %v", err)
	}
}
