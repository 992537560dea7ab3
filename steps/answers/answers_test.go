package answers_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/answers"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/status"
	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/steps/system"
)

// snapshot records every file and directory under root with its mode and content.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		v := info.Mode().String()
		if d.Type().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			v += " " + string(data)
		}
		out[p] = v
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func assertUnchanged(t *testing.T, root string, before map[string]string) {
	t.Helper()
	after := snapshot(t, root)
	for p, v := range after {
		if before[p] != v {
			t.Errorf("%s was created or changed", p)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			t.Errorf("%s was removed", p)
		}
	}
}

// writeHost writes a file at a host path under the world's root.
func writeHost(t *testing.T, w *stepstest.World, host, content string) {
	t.Helper()
	p := filepath.Join(w.Env.Root, host)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func problems(t *testing.T, err error) []answers.AnswerProblem {
	t.Helper()
	var ae *answers.AnswersError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want an *AnswersError", err)
	}
	return ae.Problems
}

func wantProblem(t *testing.T, ps []answers.AnswerProblem, line int, sub string) {
	t.Helper()
	for _, p := range ps {
		if p.Line == line && strings.Contains(p.Msg, sub) {
			return
		}
	}
	t.Errorf("no problem on line %d containing %q; got:\n%s", line, sub, problemList(ps))
}

func problemList(ps []answers.AnswerProblem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString("  " + p.String() + "\n")
	}
	return b.String()
}

func TestAnswersSyntaxErrorNamesTheLine(t *testing.T) {
	w := stepstest.New(t)
	data := "options:\n  - option: 7\n    answers:\n      cloud_url: [unclosed\n"
	_, err := answers.LoadAnswers(context.Background(), w.Env, "bad.yaml", []byte(data), answers.CheckOptions{})
	ps := problems(t, err)
	if len(ps) != 1 || ps[0].Line < 3 || !strings.Contains(ps[0].Msg, "YAML syntax error") {
		t.Fatalf("problems = %v", ps)
	}
	if !strings.Contains(err.Error(), "nothing was changed") {
		t.Errorf("error %q does not say nothing changed", err)
	}
}

func TestAnswersEmptyFile(t *testing.T) {
	w := stepstest.New(t)
	_, err := answers.LoadAnswers(context.Background(), w.Env, "empty.yaml", nil, answers.CheckOptions{})
	if ps := problems(t, err); len(ps) != 1 || !strings.Contains(ps[0].Msg, "empty") {
		t.Fatalf("problems = %v", ps)
	}
}

func TestAnswersReportsEveryProblemAtOnceAndChangesNothing(t *testing.T) {
	w := stepstest.New(t)
	before := snapshot(t, w.Env.Root)
	data := `version: 1
colour: blue
options:
  - option: 9
  - option: 7
    answers:
      cloud_url: ftp://acme.example.com
  - option: 7
    answers:
      tenant_user: admin
  - option: 7
    answers:
      cloud_url: {env: NOT_SET_ANYWHERE}
      tenant_user: admin
      tenant_password: {file: /run/secrets/missing}
  - option: 3
    answers:
      bogus: 1
  - option: 6
    answers:
      tenant.admin.password: Next#pass1
  - option: 7
    answers:
      cloud_url: https://acme.example.com
      cloud_url: https://other.example.com
    register: {create: maybe}
  - option: 8
`
	plan, err := answers.LoadAnswers(context.Background(), w.Env, "answers.yaml", []byte(data), answers.CheckOptions{})
	ps := problems(t, err)
	wantProblem(t, ps, 2, `unknown key "colour"`)
	wantProblem(t, ps, 4, `unknown option "9"`)
	wantProblem(t, ps, 7, "cloud_url: ")
	wantProblem(t, ps, 8, "option 7 needs cloud_url (* Enter cloud URL")
	wantProblem(t, ps, 13, "NOT_SET_ANYWHERE is not set")
	wantProblem(t, ps, 15, "/run/secrets/missing does not exist")
	wantProblem(t, ps, 16, "option 3 (Update license and SSL certificates) cannot run now")
	wantProblem(t, ps, 18, `option 3 has no answer "bogus"`)
	wantProblem(t, ps, 19, "option 6 (Update tenant password) cannot run now")
	wantProblem(t, ps, 25, "cloud_url is given twice (first on line 24)")
	wantProblem(t, ps, 26, `create: write true or false (not "maybe")`)
	wantProblem(t, ps, 27, "option 8 needs `hosting: enabled`")
	if len(ps) != 12 {
		t.Errorf("want 12 problems, got:\n%s", problemList(ps))
	}
	for i := 1; i < len(ps); i++ {
		if ps[i].Line < ps[i-1].Line {
			t.Errorf("problems are not in line order:\n%s", problemList(ps))
		}
	}
	if plan == nil {
		t.Fatal("no plan returned with the problems")
	}
	// Apply refuses the same file (it checks again) and changes nothing.
	err = answers.Apply(context.Background(), w.Env, plan, answers.ApplyOptions{Log: steps.NewActionLog(w.Env)})
	problems(t, err)
	assertUnchanged(t, w.Env.Root, before)
}

func TestAnswersOptionsAfterOption2AreNotRefusedForIt(t *testing.T) {
	w := stepstest.New(t)
	data := `options:
  - option: 2
    answers:
      tenant.admin.username: admin
  - option: 6
    answers:
      tenant.admin.password: {env: NEW_PW}
`
	w.Vars["NEW_PW"] = "Next#pass1"
	plan, err := answers.LoadAnswers(context.Background(), w.Env, "a.yaml", []byte(data), answers.CheckOptions{})
	ps := problems(t, err)
	wantProblem(t, ps, 2, "option 2 needs tenant.admin.password")
	for _, p := range ps {
		if p.Line >= 5 {
			t.Errorf("option 6 refused although option 2 comes first: %s", p)
		}
	}
	if !plan.Options[1].Deferred {
		t.Error("option 6 is not marked as checked after option 2")
	}
}

func TestAnswersWarnAboutInlineSecretsAndUnusedKeys(t *testing.T) {
	w := stepstest.New(t) // the bootstrap password is configured: option 7 does not ask it
	data := `options:
  - option: 7
    answers:
      cloud_url: ` + w.URL + `
      bootstrap_password: inline-secret
      tenant_user: ` + stepstest.AdminUser + `
      tenant_password: ` + stepstest.AdminPassword + `
`
	plan, err := answers.LoadAnswers(context.Background(), w.Env, "a.yaml", []byte(data), answers.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantProblem(t, plan.Warnings, 5, "does not ask for bootstrap_password")
	wantProblem(t, plan.Warnings, 7, "tenant_password is a secret written in the file itself")
}

func TestAnswersVerifyIsOptIn(t *testing.T) {
	w := stepstest.New(t)
	data := "options:\n  - option: 7\n    answers:\n      cloud_url: http://127.0.0.1:1\n      tenant_user: \"\"\n"
	if _, err := answers.LoadAnswers(context.Background(), w.Env, "a.yaml", []byte(data), answers.CheckOptions{}); err != nil {
		t.Fatalf("without --verify a tenant that is down must not block: %v", err)
	}
	_, err := answers.LoadAnswers(context.Background(), w.Env, "a.yaml", []byte(data), answers.CheckOptions{Verify: true})
	wantProblem(t, problems(t, err), 4, "checked because of --verify")
}

func TestAnswersExampleFileIsValid(t *testing.T) {
	w := stepstest.New(t)
	data, err := os.ReadFile("testdata/answers/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	w.Vars["C8Y_BOOTSTRAP_PASSWORD"] = stepstest.BootstrapPassword
	writeHost(t, w, "/run/secrets/c8y-tenant-password", stepstest.AdminPassword+"\n")
	plan, err := answers.LoadAnswers(context.Background(), w.Env, "example.yaml", data, answers.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Options) != 1 || plan.Options[0].Answers[steps.KeyTenantPassword] != stepstest.AdminPassword {
		t.Fatalf("plan = %+v", plan.Options)
	}
	if r := plan.Options[0].Register; r == nil || !r.Wait || r.Timeout != 10*time.Minute || !r.Create || !r.Accept {
		t.Errorf("register = %+v", r)
	}
}

func TestAnswerKeysCoverOption7Prompts(t *testing.T) {
	w := stepstest.New(t)
	cfg, _ := w.Env.Props.LoadAgentConfig()
	cfg.BootstrapPassword = ""
	if err := w.Env.Props.SaveAgentConfig(cfg); err != nil {
		t.Fatal(err)
	}
	a := steps.Answers{}
	for {
		p, err := options.EdgeAgent{}.NextPrompt(w.Env, a)
		if err != nil {
			t.Fatal(err)
		}
		if p == nil {
			break
		}
		found := false
		for _, k := range answers.AnswerKeys(7) {
			found = found || k == p.Key
		}
		if !found {
			t.Errorf("option 7 asks %q, which answers files do not accept", p.Key)
		}
		a[p.Key] = "x"
	}
}

// recorder collects what Apply reports.
type recorder struct {
	mu     sync.Mutex
	events []steps.Event
	starts []int
}

func (r *recorder) options() answers.ApplyOptions {
	return answers.ApplyOptions{
		Start: func(s steps.Step, _ []string) { r.mu.Lock(); r.starts = append(r.starts, s.Number()); r.mu.Unlock() },
		Event: func(_ int, e steps.Event) { r.mu.Lock(); r.events = append(r.events, e); r.mu.Unlock() },
	}
}

func (r *recorder) text() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	for _, e := range r.events {
		b.WriteString(e.Kind.String() + " " + e.Name + " " + e.Detail + "\n")
	}
	return b.String()
}

func TestApplyOption7RegistersWithCreateAndAccept(t *testing.T) {
	w := stepstest.New(t)
	w.Vars["C8Y_USER"] = stepstest.AdminUser
	w.Vars["C8Y_PASSWORD"] = stepstest.AdminPassword
	data := `options:
  - option: 7
    answers:
      cloud_url: ` + w.URL + `
    register: {wait: true, timeout: 30s, create: true, accept: true}
`
	ctx := context.Background()
	plan, err := answers.LoadAnswers(ctx, w.Env, "a.yaml", []byte(data), answers.CheckOptions{Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	var rec recorder
	o := rec.options()
	o.Log = steps.NewActionLog(w.Env)
	if err := answers.Apply(ctx, w.Env, plan, o); err != nil {
		t.Fatalf("apply: %v\n%s", err, rec.text())
	}
	out := rec.text()
	for _, want := range []string{
		"done Write /usr/edge/properties/edge-agent/edge-agent.properties c8y.url=" + w.URL,
		"done Create the registration request",
		"done Accept the registration request",
		"done Register with the tenant connected: tenant " + stepstest.TenantID,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("events lack %q:\n%s", want, out)
		}
	}
	if _, ok, _ := w.Env.Props.LoadCredentials(); !ok {
		t.Error("no device credentials stored")
	}
	log, err := os.ReadFile(o.Log.Path())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`option=7 step="Write /usr/edge`, `outcome=done`, `step=Registration outcome="Pending acceptance"`, `outcome=Connected`, `outcome=completed`} {
		if !strings.Contains(string(log), want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	st := status.GatherStatus(ctx, w.Env)
	if st.Registration.State != status.RegConnected || st.Registration.TenantID != stepstest.TenantID || st.Registration.ManagedObjectID == "" {
		t.Errorf("status registration = %+v", st.Registration)
	}
}

func TestApplyRegistrationTimeout(t *testing.T) {
	w := stepstest.New(t)
	data := `options:
  - option: 7
    answers:
      cloud_url: ` + w.URL + `
      tenant_user: ""
    register: {wait: true, timeout: 200ms}
`
	ctx := context.Background()
	plan, err := answers.LoadAnswers(ctx, w.Env, "a.yaml", []byte(data), answers.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var rec recorder
	err = answers.Apply(ctx, w.Env, plan, rec.options())
	if !errors.Is(err, answers.ErrRegistrationTimeout) {
		t.Fatalf("err = %v, want a registration timeout\n%s", err, rec.text())
	}
	var ae *answers.ApplyError
	if !errors.As(err, &ae) || ae.Option != 7 {
		t.Errorf("err = %#v, want an ApplyError for option 7", err)
	}
	if !strings.Contains(rec.text(), "failed Register with the tenant") {
		t.Errorf("no failed registration event:\n%s", rec.text())
	}
	// Option 7 itself ran: its configuration stays.
	if cfg, _ := w.Env.Props.LoadAgentConfig(); cfg.URL != w.URL {
		t.Errorf("cloud URL = %q", cfg.URL)
	}
}

func TestApplyOption8NamesTheStateAndIsIdempotent(t *testing.T) {
	w := stepstest.New(t)
	data := "options:\n  - option: 8\n    hosting: disabled\n"
	plan, err := answers.LoadAnswers(context.Background(), w.Env, "a.yaml", []byte(data), answers.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if plan.Options[0].Skip == "" {
		t.Fatal("disabling a disabled feature is not skipped")
	}
	before := snapshot(t, w.Env.Root)
	var rec recorder
	if err := answers.Apply(context.Background(), w.Env, plan, rec.options()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rec.text(), "skipped") {
		t.Errorf("events = %s", rec.text())
	}
	assertUnchanged(t, w.Env.Root, before)
}

func TestApplyStopsAtTheFirstFailedOption(t *testing.T) {
	w := stepstest.New(t)
	data := `options:
  - option: 7
    answers:
      cloud_url: ""
  - option: 8
    hosting: enabled
`
	// Option 8's Available needs /proc files: give it what it wants now,
	// then take them away before Apply's second check.
	writeHost(t, w, "/proc/cpuinfo", strings.Repeat("processor\t: 0\n", 4))
	writeHost(t, w, "/proc/meminfo", "MemTotal:       16000000 kB\n")
	plan, err := answers.LoadAnswers(context.Background(), w.Env, "a.yaml", []byte(data), answers.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var rec recorder
	o := rec.options()
	o.NoRecheck = true
	os.Remove(filepath.Join(w.Env.Root, "proc/cpuinfo"))
	err = answers.Apply(context.Background(), w.Env, plan, o)
	var ae *answers.ApplyError
	if !errors.As(err, &ae) || ae.Option != 8 || !ae.Changed {
		t.Fatalf("err = %v, want option 8 failed after option 7 ran", err)
	}
	if len(rec.starts) != 2 {
		t.Errorf("started options = %v", rec.starts)
	}
}

func TestActionLogOfApplyHoldsNoSecrets(t *testing.T) {
	w := stepstest.New(t)
	ctx := context.Background()
	// The Edge's own platform is the world's tenant; option 2 is done.
	d, err := w.Env.Props.LoadConfigDat()
	if err != nil {
		t.Fatal(err)
	}
	d.Set(steps.CfgAdminUser, stepstest.AdminUser)
	d.SetAdminPassword(stepstest.AdminPassword)
	d.Set(steps.CfgDomain, "myown.iot.com")
	d.Set(steps.CfgTenantID, stepstest.TenantID)
	if err := w.Env.Props.SaveConfigDat(d); err != nil {
		t.Fatal(err)
	}
	if err := system.RecordCompletion(w.Env, 2); err != nil {
		t.Fatal(err)
	}
	cfg, _ := w.Env.Props.LoadAgentConfig()
	cfg.BootstrapPassword = ""
	if err := w.Env.Props.SaveAgentConfig(cfg); err != nil {
		t.Fatal(err)
	}
	const newAdminPassword = "Fresh#Admin-pw1"
	w.Vars["BOOT_PW"] = stepstest.BootstrapPassword
	w.Vars["NEW_PW"] = newAdminPassword
	writeHost(t, w, "/run/secrets/tenant", stepstest.AdminPassword+"\n")
	data := `options:
  - option: 7
    answers:
      cloud_url: ` + w.URL + `
      bootstrap_password: {env: BOOT_PW}
      tenant_user: ` + stepstest.AdminUser + `
      tenant_password: {file: /run/secrets/tenant}
    register: {create: true, accept: true, timeout: 30s}
  - option: 6
    answers:
      tenant.admin.password: {env: NEW_PW}
`
	plan, err := answers.LoadAnswers(ctx, w.Env, "a.yaml", []byte(data), answers.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var rec recorder
	o := rec.options()
	o.Log = steps.NewActionLog(w.Env)
	if err := answers.Apply(ctx, w.Env, plan, o); err != nil {
		t.Fatalf("apply: %v\n%s", err, rec.text())
	}
	if got := w.Sim.UserPassword(stepstest.AdminUser); got != newAdminPassword {
		t.Fatalf("option 6 did not change the password")
	}
	id, _, _ := w.Env.Props.DeviceID()
	_, devicePassword, ok := w.Sim.DeviceCredentialsIssued(id)
	if !ok {
		t.Fatal("no device credentials issued")
	}
	raw, err := os.ReadFile(o.Log.Path())
	if err != nil {
		t.Fatal(err)
	}
	log := string(raw)
	if !strings.Contains(log, "option=6") || !strings.Contains(log, "option=7") {
		t.Fatalf("log misses the options:\n%s", log)
	}
	for _, secret := range []string{stepstest.BootstrapPassword, stepstest.AdminPassword, newAdminPassword, devicePassword} {
		if strings.Contains(log, secret) {
			t.Errorf("the action log holds a secret %q:\n%s", secret, log)
		}
		if strings.Contains(rec.text(), secret) {
			t.Errorf("the events hold a secret %q", secret)
		}
	}
	st, err := os.Stat(o.Log.Path())
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("log mode = %v, %v; want 0600", st.Mode().Perm(), err)
	}
}

func TestGatherStatus(t *testing.T) {
	ctx := context.Background()
	t.Run("fresh root", func(t *testing.T) {
		w := stepstest.New(t)
		before := snapshot(t, w.Env.Root)
		st := status.GatherStatus(ctx, w.Env)
		if st.DeviceID != "" || st.CloudURL != "" || st.RemoteManagement || st.Registration.State != status.RegDisabled {
			t.Errorf("status = %+v", st)
		}
		if len(st.Options) != 8 || st.Options[6].Completed || st.Hosting.Enabled || len(st.Problems) > 0 {
			t.Errorf("status = %+v", st)
		}
		assertUnchanged(t, w.Env.Root, before) // the device ID is not created
		if _, err := os.Stat(w.Env.Props.Path(edgeprops.DeviceIDFile)); err == nil {
			t.Error("status created the device ID")
		}
	})
	t.Run("configured, not registered", func(t *testing.T) {
		w := stepstest.New(t)
		if _, err := stepstest.Drive(ctx, w.Env, options.EdgeAgent{}, w.URL, ""); err != nil {
			t.Fatal(err)
		}
		st := status.GatherStatus(ctx, w.Env)
		id, _, _ := w.Env.Props.DeviceID()
		if st.DeviceID != id || st.CloudURL != w.URL || !st.RemoteManagement || st.Registration.State != status.RegNotRegistered {
			t.Errorf("status = %+v", st)
		}
		if !st.Options[6].Completed || st.Options[6].CompletedAt == nil || st.Options[6].Version != "test" {
			t.Errorf("option 7 = %+v", st.Options[6])
		}
	})
	t.Run("credentials refused, tenant unreachable", func(t *testing.T) {
		w := stepstest.New(t)
		if _, err := stepstest.Drive(ctx, w.Env, options.EdgeAgent{}, w.URL, ""); err != nil {
			t.Fatal(err)
		}
		if err := w.Env.Props.SaveCredentials(edgeprops.Credentials{Tenant: stepstest.TenantID, Username: "device_x", Password: "not-valid", URL: w.URL}); err != nil {
			t.Fatal(err)
		}
		st := status.GatherStatus(ctx, w.Env)
		if st.Registration.State != status.RegCredentialsInvalid || !strings.Contains(st.Registration.Reason, "401") {
			t.Errorf("registration = %+v", st.Registration)
		}
		w.Server.Close()
		st = status.GatherStatus(ctx, w.Env)
		if st.Registration.State != status.RegUnreachable || st.Registration.Reason == "" {
			t.Errorf("registration = %+v", st.Registration)
		}
	})
}

// Apply stops on a signal that arrives while an option runs, even in a
// sub-step that does not look at the context: the next sub-step and the
// next option do not start (the README promises exit 130 between sub-steps).
func TestApplyStopsBetweenSubStepsOnASignal(t *testing.T) {
	w := stepstest.New(t)
	writeHost(t, w, "/proc/cpuinfo", strings.Repeat("processor\t: 0\n", 4))
	writeHost(t, w, "/proc/meminfo", "MemTotal:       16000000 kB\n")
	data := "options:\n  - option: 8\n    hosting: enabled\n  - option: 7\n    answers:\n      cloud_url: \"\"\n"
	plan, err := answers.LoadAnswers(context.Background(), w.Env, "a.yaml", []byte(data), answers.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var rec recorder
	o := rec.options()
	event := o.Event
	done := 0
	o.Event = func(n int, e steps.Event) {
		event(n, e)
		if e.Kind == steps.SubStepDone {
			done++
			cancel() // SIGTERM while the first sub-step finishes
		}
	}
	err = answers.Apply(ctx, w.Env, plan, o)
	if !errors.Is(err, steps.ErrInterrupted) {
		t.Fatalf("Apply: %v, want ErrInterrupted", err)
	}
	if done != 1 || len(rec.starts) != 1 {
		t.Errorf("%d sub-steps done, options started %v; want 1 and [8]:\n%s", done, rec.starts, rec.text())
	}
}
