package options_test

import (
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/stepstest"
)

// connected makes the world's Edge registered with its tenant.
func connected(t *testing.T, w *stepstest.World) edgeprops.AgentConfig {
	t.Helper()
	cfg, err := w.Env.Props.LoadAgentConfig()
	if err != nil {
		t.Fatal(err)
	}
	cfg.URL, cfg.RemoteManagement = w.URL, true
	if err := w.Env.Props.SaveAgentConfig(cfg); err != nil {
		t.Fatal(err)
	}
	if err := w.Env.Props.SaveCredentials(edgeprops.Credentials{Tenant: "t1", Username: "device_x", Password: "pw", URL: w.URL}); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// Option 2 and 7 plans that disable or move a working connection say so first, in capitals.
func TestPlansThatDisconnectOrMoveSaySoFirst(t *testing.T) {
	w := stepstest.New(t)
	connected(t, w)
	for name, lines := range map[string][]string{
		"option 2, blank URL": options.PostInstall{}.Confirm(w.Env, steps.Answers{steps.CfgCloudURL: ""}),
		"option 7, blank URL": options.EdgeAgent{}.Confirm(w.Env, steps.Answers{steps.KeyCloudURL: ""}),
		"option 7, new host":  options.EdgeAgent{}.Confirm(w.Env, steps.Answers{steps.KeyCloudURL: "https://other.cumulocity.com"}),
	} {
		found := false
		for _, l := range lines {
			if strings.HasPrefix(l, "WARNING: DISCONNECT the Edge from "+w.URL) || strings.HasPrefix(l, "WARNING: MOVE the Edge from "+w.URL) {
				found = strings.Contains(l, "device_x")
			}
		}
		if !found {
			t.Errorf("%s: no warning naming the connection:\n%s", name, strings.Join(lines, "\n"))
		}
	}
	// The same URL: nothing is disconnected, and option 2 prefills it.
	if l := (options.PostInstall{}).Confirm(w.Env, steps.Answers{steps.CfgCloudURL: w.URL}); strings.Contains(strings.Join(l, "\n"), "WARNING") {
		t.Errorf("same URL warns:\n%s", strings.Join(l, "\n"))
	}
}

// Option 7 on an Edge registered with the same URL asks what to do and
// asks no tenant user for "check".
func TestOption7OnAConnectedEdgeOffersCheckChangeRegister(t *testing.T) {
	w := stepstest.New(t)
	connected(t, w)
	a := steps.Answers{steps.KeyCloudURL: w.URL}
	p, err := (options.EdgeAgent{}).NextPrompt(w.Env, a)
	if err != nil || p == nil || p.Key != options.KeyConnectedAction || !strings.Contains(p.Text, "device_x") {
		t.Fatalf("prompt: %+v %v", p, err)
	}
	v, err := p.Check("")
	if err != nil || v != options.ConnectedCheck {
		t.Fatalf("Enter: %q %v", v, err)
	}
	if _, err := p.Check("u"); !steps.Forget(steps.Answers{}, err) {
		t.Errorf("u does not ask for the URL again: %v", err)
	}
	if v, err := p.Check("s"); err != nil || options.HandOver(steps.Answers{options.KeyConnectedAction: v}) == nil {
		t.Errorf("s does not hand over to remote access: %q %v", v, err)
	}
	if options.HandOver(steps.Answers{options.KeyConnectedAction: v}) != nil {
		t.Errorf("check hands over")
	}
	a[options.KeyConnectedAction] = v
	if p, _ := (options.EdgeAgent{}).NextPrompt(w.Env, a); p != nil {
		t.Errorf("check asks %s", p.Key)
	}
	plan := strings.Join((options.EdgeAgent{}).Confirm(w.Env, a), "\n")
	if !strings.Contains(plan, "nothing is written") || strings.Contains(plan, "Restart the edge-agent") {
		t.Errorf("plan:\n%s", plan)
	}
	a[options.KeyConnectedAction] = options.ConnectedRegister
	if p, _ := (options.EdgeAgent{}).NextPrompt(w.Env, a); p == nil || p.Key != steps.KeyTenantUser {
		t.Errorf("register again: want the tenant user prompt, got %+v", p)
	}
}

func TestStatusNamesOption8TheSameInEveryState(t *testing.T) {
	w := stepstest.New(t)
	before := options.StableTitle(options.MicroserviceHosting{}, w.Env)
	if err := w.Env.Props.WriteState(options.MicroserviceHostingState, map[string]any{"enabled": true}); err != nil {
		t.Fatal(err)
	}
	if got := options.StableTitle(options.MicroserviceHosting{}, w.Env); got != before || !strings.HasPrefix(got, "Enable/Disable") {
		t.Errorf("status title %q, before %q", got, before)
	}
	if got := (options.MicroserviceHosting{}).Title(w.Env); !strings.HasPrefix(got, "Disable") {
		t.Errorf("menu title %q once enabled", got)
	}
}
