package edgeprops

import (
	"os"
	"strings"
	"testing"
)

func writeFile(t *testing.T, s *Store, rel, content string, perm os.FileMode) {
	t.Helper()
	if err := WriteFileAtomic(s.Path(rel), []byte(content), perm); err != nil {
		t.Fatal(err)
	}
}

func TestAgentConfigMissingFileGivesDefaults(t *testing.T) {
	s := New(t.TempDir())
	c, err := s.LoadAgentConfig()
	if err != nil {
		t.Fatal(err)
	}
	if c != DefaultAgentConfig() || c.BootstrapTenant != "management" || c.BootstrapUser != "devicebootstrap" {
		t.Errorf("got %+v", c)
	}
}

const agentFile = `# Cumulocity Edge agent
c8y.url = https://old.example.com
remote.management.enabled: TRUE
# bootstrap account
c8y.bootstrap.tenant=management
vendor.unknown.key=keep me
`

func TestAgentConfigSaveKeepsCommentsAndUnknownKeys(t *testing.T) {
	s := New(t.TempDir())
	writeFile(t, s, AgentPropsFile, agentFile, 0o644)
	c, err := s.LoadAgentConfig()
	if err != nil {
		t.Fatal(err)
	}
	want := AgentConfig{URL: "https://old.example.com", RemoteManagement: true, BootstrapTenant: "management", BootstrapUser: "devicebootstrap"}
	if c != want {
		t.Fatalf("loaded %+v, want %+v", c, want)
	}
	c.URL = "https://new.example.com"
	c.BootstrapPassword = "s3cr3t p@ss=:#"
	if err := s.SaveAgentConfig(c); err != nil {
		t.Fatal(err)
	}
	got := readString(t, s.Path(AgentPropsFile))
	wantFile := `# Cumulocity Edge agent
c8y.url = https://new.example.com
remote.management.enabled: true
# bootstrap account
c8y.bootstrap.tenant=management
vendor.unknown.key=keep me
c8y.bootstrap.user=devicebootstrap
c8y.bootstrap.password=s3cr3t p@ss=:#
`
	if got != wantFile {
		t.Errorf("file:\n%s\nwant:\n%s", got, wantFile)
	}
	if m := mode(t, s.Path(AgentPropsFile)); m != 0o600 {
		t.Errorf("mode with a password = %v, want 0600", m)
	}
	back, err := New(s.Root()).LoadAgentConfig()
	if err != nil || back != c {
		t.Errorf("reloaded %+v, %v; want %+v", back, err, c)
	}

	// Disabling: empty URL, no password -> 0644 and no password key.
	c.URL, c.RemoteManagement, c.BootstrapPassword = "", false, ""
	if err := s.SaveAgentConfig(c); err != nil {
		t.Fatal(err)
	}
	got = readString(t, s.Path(AgentPropsFile))
	if strings.Contains(got, "password") || !strings.Contains(got, "c8y.url = \n") || !strings.Contains(got, "vendor.unknown.key=keep me") {
		t.Errorf("file after disabling:\n%s", got)
	}
	if m := mode(t, s.Path(AgentPropsFile)); m != 0o644 {
		t.Errorf("mode without a password = %v, want 0644", m)
	}
}

func TestAgentConfigWithEnv(t *testing.T) {
	env := map[string]string{EnvBootstrapUser: "bootuser", EnvBootstrapPassword: "pw"}
	c := DefaultAgentConfig().WithEnv(func(k string) string { return env[k] })
	want := AgentConfig{BootstrapTenant: "management", BootstrapUser: "bootuser", BootstrapPassword: "pw"}
	if c != want {
		t.Errorf("got %+v, want %+v", c, want)
	}
	if c := DefaultAgentConfig().WithEnv(nil); c != DefaultAgentConfig() {
		t.Errorf("nil getenv changed %+v", c)
	}
}

func TestAgentConfigDamagedFile(t *testing.T) {
	s := New(t.TempDir())
	writeFile(t, s, AgentPropsFile, "c8y.url=x\n\x00\x00\x00", 0o644)
	_, err := s.LoadAgentConfig()
	if err == nil || !strings.Contains(err.Error(), "is damaged") || !strings.Contains(err.Error(), "NUL bytes") {
		t.Fatalf("err = %v", err)
	}
	if err := s.SaveAgentConfig(DefaultAgentConfig()); err == nil {
		t.Fatal("saved over a damaged file")
	}
}
