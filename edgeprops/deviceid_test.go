package edgeprops

import (
	"regexp"
	"strings"
	"sync"
	"testing"
)

var deviceIDPattern = regexp.MustCompile(`^edge-agent-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestDeviceIDCreatedOnceAndStable(t *testing.T) {
	s := New(t.TempDir())
	id, created, err := s.DeviceID()
	if err != nil || !created {
		t.Fatalf("DeviceID() = %q, %v, %v", id, created, err)
	}
	if !deviceIDPattern.MatchString(id) {
		t.Errorf("id %q is not edge-agent-<uuid v4>", id)
	}
	if got := readString(t, s.Path(DeviceIDFile)); got != id+"\n" {
		t.Errorf("file = %q", got)
	}
	if m := mode(t, s.Path(DeviceIDFile)); m != 0o644 {
		t.Errorf("mode = %v", m)
	}
	for _, st := range []*Store{s, New(s.Root())} {
		again, created, err := st.DeviceID()
		if err != nil || created || again != id {
			t.Errorf("again: %q, %v, %v; want %q, false", again, created, err, id)
		}
	}
}

func TestDeviceIDConcurrent(t *testing.T) {
	root := t.TempDir()
	const n = 32
	ids := make([]string, n)
	createdCount := make([]bool, n)
	var wg sync.WaitGroup
	shared := New(root)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := shared
			if i%2 == 1 {
				st = New(root) // another Store: another lock file description
			}
			id, created, err := st.DeviceID()
			if err != nil {
				t.Error(err)
			}
			ids[i], createdCount[i] = id, created
		}()
	}
	wg.Wait()
	creators := 0
	for i := range n {
		if ids[i] != ids[0] {
			t.Fatalf("different ids: %q and %q", ids[0], ids[i])
		}
		if createdCount[i] {
			creators++
		}
	}
	if creators != 1 {
		t.Errorf("%d callers report creating the id, want 1", creators)
	}
}

func TestDeviceIDExistingTrimmedAndBlankReplaced(t *testing.T) {
	s := New(t.TempDir())
	writeFile(t, s, DeviceIDFile, "  edge-agent-038e59f8-5efa-45f9-bd25-ca5f88191691\r\n", 0o644)
	id, created, err := s.DeviceID()
	if err != nil || created || id != "edge-agent-038e59f8-5efa-45f9-bd25-ca5f88191691" {
		t.Errorf("got %q, %v, %v", id, created, err)
	}
	writeFile(t, s, DeviceIDFile, " \n", 0o644)
	id, created, err = s.DeviceID()
	if err != nil || !created || !deviceIDPattern.MatchString(id) {
		t.Errorf("blank file: %q, %v, %v", id, created, err)
	}
}

func TestDeviceIDInvalid(t *testing.T) {
	s := New(t.TempDir())
	writeFile(t, s, DeviceIDFile, "my edge\n", 0o644)
	_, _, err := s.DeviceID()
	if err == nil || !strings.Contains(err.Error(), "unusable device ID") || !strings.Contains(err.Error(), "delete it") {
		t.Fatalf("err = %v", err)
	}
	if got := readString(t, s.Path(DeviceIDFile)); got != "my edge\n" {
		t.Errorf("invalid file was changed to %q", got)
	}
	for _, bad := range []string{"", "a b", "a\tb", "a\x01b", "a\xffb", strings.Repeat("x", 256)} {
		if ValidateDeviceID(bad) == nil {
			t.Errorf("ValidateDeviceID(%q) accepted it", bad)
		}
	}
	if err := ValidateDeviceID("edge-agent-038e59f8-5efa-45f9-bd25-ca5f88191691"); err != nil {
		t.Error(err)
	}
}
