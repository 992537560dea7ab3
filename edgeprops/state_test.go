package edgeprops

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type record struct {
	Step     string    `json:"step"`
	Finished time.Time `json:"finished"`
}

func TestStateRoundTrip(t *testing.T) {
	s := New(t.TempDir())
	var r record
	if found, err := s.ReadState("post-install", &r); found || err != nil {
		t.Fatalf("missing: %v %v", found, err)
	}
	want := record{Step: "post-install", Finished: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	if err := s.WriteState("post-install", want); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(s.Path(StateDir), "post-install.json")
	if m := mode(t, path); m != 0o600 {
		t.Errorf("mode = %v", m)
	}
	if m := mode(t, s.Path(StateDir)); m != 0o700 {
		t.Errorf("dir mode = %v", m)
	}
	if m := mode(t, s.Path("var/lib")); m != 0o755 {
		t.Errorf("parent mode = %v", m)
	}
	found, err := New(s.Root()).ReadState("post-install", &r)
	if err != nil || !found || r != want {
		t.Errorf("read %+v, %v, %v", r, found, err)
	}
}

func TestStateBadNameAndDamaged(t *testing.T) {
	s := New(t.TempDir())
	for _, name := range []string{"", "../etc/passwd", "a/b", ".hidden", "x y"} {
		if err := s.WriteState(name, 1); err == nil {
			t.Errorf("WriteState(%q) accepted", name)
		}
		if _, err := s.ReadState(name, new(int)); err == nil {
			t.Errorf("ReadState(%q) accepted", name)
		}
	}
	writeFile(t, s, StateDir+"/broken.json", "{not json", 0o600)
	found, err := s.ReadState("broken", new(record))
	if !found || err == nil || !strings.Contains(err.Error(), "is damaged") || !strings.Contains(err.Error(), "delete it") {
		t.Errorf("damaged: %v %v", found, err)
	}
}
