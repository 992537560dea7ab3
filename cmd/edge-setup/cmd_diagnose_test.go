package main

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

func TestDiagnoseCommand(t *testing.T) {
	srv := httptest.NewServer(tenantsim.New(tenantsim.Options{}))
	t.Cleanup(srv.Close)
	root := t.TempDir()

	var out, errb bytes.Buffer
	if code := run([]string{"diagnose", "--root", root, "--url", srv.URL}, &out, &errb); code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	for _, want := range []string{"✓ Tenant URL    " + srv.URL + " (given)", "✓ DNS", "✓ TCP", "– TLS", "✓ HTTP", "✓ Clock", "every check passed"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	out.Reset()
	if code := run([]string{"--root", root, "diagnose", "--json", "--url", srv.URL}, &out, &errb); code != exitOK {
		t.Fatalf("--json: exit %d\n%s%s", code, out.String(), errb.String())
	}
	var res struct {
		Schema *int `json:"schema"`
		Failed bool `json:"failed"`
		Checks []struct {
			Name, Status, Detail, Fix string
		} `json:"checks"`
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	if res.Schema == nil || *res.Schema != 1 || res.Failed || len(res.Checks) != 7 || res.Checks[0].Name != "Tenant URL" || res.Checks[4].Status != "skipped" {
		t.Errorf("JSON: %+v", res)
	}
}

func TestDiagnoseCommandFails(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	root := t.TempDir()
	var out, errb bytes.Buffer
	if code := run([]string{"diagnose", "--root", root, "--url", "https://" + addr}, &out, &errb); code != exitFailed {
		t.Fatalf("exit %d, want %d\n%s", code, exitFailed, out.String())
	}
	for _, want := range []string{"✗ TCP           " + addr + " refused the connection", "fix: check the port", "– TLS           not run: the TCP check failed", "Failed: TCP."} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	// No URL given and none configured: say where to set it.
	out.Reset()
	if code := run([]string{"diagnose", "--root", root}, &out, &errb); code != exitFailed {
		t.Fatalf("exit %d without a URL", code)
	}
	if !strings.Contains(out.String(), "fix: set the tenant URL with option 7, or pass one with --url") {
		t.Errorf("output:\n%s", out.String())
	}
	if code := run([]string{"diagnose", "--root", root, "extra"}, &out, &errb); code != exitUsage {
		t.Errorf("extra argument: exit %d", code)
	}
}
