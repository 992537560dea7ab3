package options_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/answers"
	"github.com/edge-setup/edge-setup/steps/databroker"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

func TestDataBrokerSaysWhatIsMissing(t *testing.T) {
	w := stepstest.New(t)
	err := options.DataBroker{}.Available(w.Env)
	if err == nil || !strings.Contains(err.Error(), "option 2") {
		t.Fatalf("without option 2: %v", err)
	}
	bw := stepstest.WithDataBroker(t, w)
	cfg, _ := bw.Env.Props.LoadAgentConfig()
	cfg.URL = ""
	bw.Env.Props.SaveAgentConfig(cfg)
	if err := (options.DataBroker{}).Available(w.Env); err == nil || !strings.Contains(err.Error(), "choose 7") {
		t.Fatalf("without a cloud URL: %v", err)
	}
}

// TestNewConnectorValidatesBeforeSaving drives the step as an operator:
// a blank share and an unknown device are asked again; the connector is
// saved with one filter of measurements and alarms of group Line 1.
func TestNewConnectorValidatesBeforeSaving(t *testing.T) {
	bw := stepstest.WithDataBroker(t, stepstest.New(t))
	tr, err := stepstest.Drive(context.Background(), bw.Env, options.DataBrokerConnector{},
		"", "Line 1 to cloud", "", " ", "measurements, alarms", "pump-9", "line 1", "", "", "")
	if err != nil {
		t.Fatalf("%v (errors %v)", err, tr.Errors)
	}
	if len(tr.Errors) != 3 {
		t.Fatalf("errors %q: want blank title, blank share, unknown device", tr.Errors)
	}
	for i, want := range []string{"needs a title", "at least one", "pump-9"} {
		if !strings.Contains(tr.Errors[i], want) {
			t.Errorf("error %d %q lacks %q", i, tr.Errors[i], want)
		}
	}
	if !strings.Contains(tr.Confirm[0], "measurements, alarms of group "+bw.Group) {
		t.Errorf("confirm %q", tr.Confirm)
	}
	b, _ := options.NewDataBroker(bw.Env, nil)
	list, err := b.Edge.Connectors(context.Background())
	if err != nil || len(list) != 1 {
		t.Fatalf("connectors %v %v", list, err)
	}
	f := list[0].Filters
	if list[0].InstanceURL != bw.URL || len(f) != 1 || f[0].DeviceGroupID != bw.Group || strings.Join(f[0].APIs, ",") != "measurement,alarm" {
		t.Fatalf("saved %+v", list[0])
	}
	// A second connector to the same cloud is refused at the title prompt
	// in the platform's words... (same target)
	_, err = stepstest.Drive(context.Background(), bw.Env, options.DataBrokerConnector{}, "Other")
	if err == nil {
		t.Fatal("a second connector to the same cloud tenant went through")
	}
}

func TestNewConnectorRefusesADuplicateTitle(t *testing.T) {
	bw := stepstest.WithDataBroker(t, stepstest.New(t))
	if _, err := stepstest.Drive(context.Background(), bw.Env, options.DataBrokerConnector{}, "A", "", "m", "all", "", "", ""); err != nil {
		t.Fatal(err)
	}
	tr, _ := stepstest.Drive(context.Background(), bw.Env, options.DataBrokerConnector{}, "A")
	if len(tr.Errors) == 0 || !strings.Contains(tr.Errors[0], "Duplicated connector for name A!") {
		t.Fatalf("errors %q", tr.Errors)
	}
}

// TestApplyDataBrokerTwiceChangesNothing: option B of an answers file
// creates the connector, links it with the cloud user, and a rerun finds
// it unchanged.
func TestApplyDataBrokerTwiceChangesNothing(t *testing.T) {
	bw := stepstest.WithDataBroker(t, stepstest.New(t))
	bw.Vars["CLOUD_PW"] = stepstest.AdminPassword
	file := `options:
  - option: B
    databroker: Edge to cloud
    answers:
      share: measurements, alarms
      devices: all
      tenant_user: ` + stepstest.AdminUser + `
      tenant_password: {env: CLOUD_PW}
`
	run := func() []steps.Event {
		t.Helper()
		plan, err := answers.LoadAnswers(context.Background(), bw.Env, "b.yaml", []byte(file), answers.CheckOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var evs []steps.Event
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		err = answers.Apply(ctx, bw.Env, plan, answers.ApplyOptions{Event: func(_ int, e steps.Event) { evs = append(evs, e) }, Log: steps.NewActionLog(bw.Env),
			Sleep: func(ctx context.Context, _ time.Duration) error { time.Sleep(10 * time.Millisecond); return ctx.Err() }})
		if err != nil {
			t.Fatalf("apply: %v", err)
		}
		return evs
	}
	first := detailOf(run(), "Save the connector on the Edge")
	if !strings.HasPrefix(first, "created") {
		t.Fatalf("first run: %q", first)
	}
	second := run()
	if d := detailOf(second, "Save the connector on the Edge"); !strings.HasPrefix(d, "unchanged") {
		t.Fatalf("second run: %q", d)
	}
	if d := detailOf(second, "Link with the cloud tenant"); !strings.HasPrefix(d, "active") {
		t.Fatalf("second run link: %q", d)
	}
	log, _ := os.ReadFile(filepath.Join(bw.Env.Root, steps.ActionLogFile))
	if !strings.Contains(string(log), "option=B") || strings.Contains(string(log), stepstest.AdminPassword) {
		t.Fatalf("action log:\n%s", log)
	}
	for _, bad := range []string{"option: B\n    answers:\n      share: m\n", "option: 8\n    hosting: enabled\n    databroker: x\n"} {
		_, err := answers.LoadAnswers(context.Background(), bw.Env, "bad.yaml", []byte("options:\n  - "+bad), answers.CheckOptions{})
		if err == nil || !strings.Contains(err.Error(), "databroker") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func detailOf(evs []steps.Event, name string) string {
	for _, e := range evs {
		if e.Name == name && e.Kind == steps.SubStepDone {
			return e.Detail
		}
	}
	return ""
}

// TestApplyDataBrokerNamesACloudAnswering500: apply shows what the cloud
// answered at the first look and stops with it after a few looks, instead
// of "Waiting for the cloud tenant to subscribe" for 5 minutes.
func TestApplyDataBrokerNamesACloudAnswering500(t *testing.T) {
	bw := stepstest.WithDataBroker(t, stepstest.New(t))
	bw.Vars["CLOUD_PW"] = stepstest.AdminPassword
	file := "options:\n  - option: B\n    databroker: Edge to cloud\n    answers:\n      share: measurements\n      devices: all\n" +
		"      tenant_user: " + stepstest.AdminUser + "\n      tenant_password: {env: CLOUD_PW}\n"
	plan, err := answers.LoadAnswers(context.Background(), bw.Env, "b.yaml", []byte(file), answers.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	bw.Sim.SetFault(tenantsim.Fault{PathPrefix: "/devicecontrol/newDeviceRequests", Status: 500})
	var evs []steps.Event
	sleeps := 0
	err = answers.Apply(context.Background(), bw.Env, plan, answers.ApplyOptions{Event: func(_ int, e steps.Event) { evs = append(evs, e) }, Log: steps.NewActionLog(bw.Env),
		Sleep: func(ctx context.Context, _ time.Duration) error { sleeps++; return ctx.Err() }})
	if err == nil || !strings.Contains(err.Error(), "500") || sleeps >= databroker.MaxFailedLooks {
		t.Fatalf("apply: %v after %d sleeps; want the 500 named within %d looks", err, sleeps, databroker.MaxFailedLooks)
	}
	first := ""
	for _, e := range evs {
		if strings.HasPrefix(e.Name, "Data Broker link") || strings.HasPrefix(e.Detail, "Data Broker link") {
			first = e.Name + e.Detail
			break
		}
	}
	if !strings.Contains(first, "500") || !strings.Contains(first, "try again") {
		t.Fatalf("first link event %q: want what the cloud answered and what to do", first)
	}
}
