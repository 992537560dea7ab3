package options

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/system"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// Option 2's cloud URL gets option 7's check: a closed port is refused
// (and may be kept with Tab), not written unchecked.
func TestPostInstallChecksTheCloudURLAsOption7(t *testing.T) {
	te := newTestEnv(t)
	te.Env.NewClient = func(baseURL string) (*tenantapi.Client, error) {
		return tenantapi.New(tenantapi.Options{BaseURL: baseURL, Timeout: 5 * time.Second})
	}
	certFixtures(t, te)
	te.write(t, "/root/params.txt", "tenant.admin.username=admin\ntenant.admin.password="+testPassword+
		"\ntenant.domain.name="+testDomain+"\nssl.certificate=/tmp/edge.crt\nssl.certificate.key=/tmp/edge.key\nc8y.license=/tmp/myown.licence\n")
	a := steps.Answers{system.KeyInputMode: system.InputFile, system.KeyInputFile: "/root/params.txt"}
	p, err := PostInstall{}.NextPrompt(te.Env, a)
	if err != nil || p == nil || p.Key != steps.CfgCloudURL {
		t.Fatalf("prompt %+v, %v", p, err)
	}
	if p.Verify == nil {
		t.Fatal("option 2's cloud URL is not checked")
	}
	err = p.Verify(context.Background(), "http://127.0.0.1:1")
	if err == nil || !steps.Keepable(err) {
		t.Fatalf("a closed port: %v", err)
	}
	seven, _ := EdgeAgent{}.NextPrompt(te.Env, steps.Answers{})
	if seven.Text != p.Text || seven.Help != p.Help || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Fatalf("two different cloud URL prompts: %q / %q; %v", seven.Help, p.Help, err)
	}
}
