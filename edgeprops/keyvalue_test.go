package edgeprops

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseKeyValueFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "network.txt")
	content := "\xEF\xBB\xBF# network parameters\r\nnetwork.ip=192.168.66.10  \r\nnetmask : 255.255.255.0\r\ngateway.ip=192.168.66.1\r\ndns.server.ip=192.168.66.1\r\n"
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ParseKeyValueFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"network.ip": "192.168.66.10", "netmask": "255.255.255.0", "gateway.ip": "192.168.66.1", "dns.server.ip": "192.168.66.1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestParseKeyValueFileErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := ParseKeyValueFile(filepath.Join(dir, "missing.txt"))
	if err == nil || !strings.Contains(err.Error(), "does not exist: check the path") {
		t.Errorf("missing: %v", err)
	}
	_, err = ParseKeyValueFile(dir)
	if err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}
	bin := filepath.Join(dir, "licence.bin")
	if err := os.WriteFile(bin, []byte{1, 0, 2}, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = ParseKeyValueFile(bin)
	if err == nil || !strings.Contains(err.Error(), "cannot be used") {
		t.Errorf("binary: %v", err)
	}
}
