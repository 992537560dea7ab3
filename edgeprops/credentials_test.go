package edgeprops

import (
	"os"
	"strings"
	"testing"
)

func TestCredentialsSaveLoadDelete(t *testing.T) {
	s := New(t.TempDir())
	if _, ok, err := s.LoadCredentials(); ok || err != nil {
		t.Fatalf("missing file: ok=%v err=%v", ok, err)
	}
	c := Credentials{Tenant: "t12345", Username: "device_edge-agent-1", Password: "p@ss word=:\\", URL: "https://t12345.example.com"}
	if err := s.SaveCredentials(c); err != nil {
		t.Fatal(err)
	}
	if m := mode(t, s.Path(CredentialsFile)); m != 0o600 {
		t.Errorf("mode = %v, want 0600", m)
	}
	got, ok, err := New(s.Root()).LoadCredentials()
	if err != nil || !ok || got != c {
		t.Fatalf("loaded %+v, %v, %v", got, ok, err)
	}
	if err := s.DeleteCredentials(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.Path(CredentialsFile)); !os.IsNotExist(err) {
		t.Errorf("file still there: %v", err)
	}
	if err := s.DeleteCredentials(); err != nil {
		t.Errorf("deleting a missing file: %v", err)
	}
}

func TestCredentialsKeepOtherLinesAndIncomplete(t *testing.T) {
	s := New(t.TempDir())
	writeFile(t, s, CredentialsFile, "# written by the agent\nc8y.username=old\nextra=1\n", 0o600)
	if _, ok, err := s.LoadCredentials(); ok || err != nil {
		t.Errorf("no password: ok=%v err=%v, want false", ok, err)
	}
	if err := s.SaveCredentials(Credentials{Tenant: "t1", Username: "u", Password: "p"}); err != nil {
		t.Fatal(err)
	}
	got := readString(t, s.Path(CredentialsFile))
	want := "# written by the agent\nc8y.username=u\nextra=1\nc8y.tenant=t1\nc8y.password=p\n"
	if got != want {
		t.Errorf("file %q, want %q", got, want)
	}
	if strings.Contains(got, "c8y.url") {
		t.Error("empty URL written")
	}
}
