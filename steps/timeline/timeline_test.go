package timeline

import (
	"testing"
	"time"
)

func TestObserveKeepsChangesOnly(t *testing.T) {
	var tl Timeline
	t0 := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	if tl.Current() != "" {
		t.Fatal("empty timeline has a status")
	}
	steps := []struct {
		status string
		added  bool
	}{{"Waiting", true}, {"Waiting", false}, {"", false}, {"Pending", true}, {"Waiting", true}}
	for i, s := range steps {
		if got := tl.Observe(s.status, t0.Add(time.Duration(i)*time.Second)); got != s.added {
			t.Errorf("observe %q: %v, want %v", s.status, got, s.added)
		}
	}
	if len(tl) != 3 || tl.Current() != "Waiting" {
		t.Fatalf("timeline %+v", tl)
	}
	if at, ok := tl.Reached("Pending"); !ok || !at.Equal(t0.Add(3*time.Second)) {
		t.Errorf("Pending reached %v %v", at, ok)
	}
	if at, ok := tl.Reached("Waiting"); !ok || !at.Equal(t0) {
		t.Errorf("Waiting first reached %v %v", at, ok)
	}
	if _, ok := tl.Reached("Active"); ok {
		t.Error("Active reached")
	}
}
