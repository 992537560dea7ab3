package answers_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/answers"
	"github.com/edge-setup/edge-setup/steps/stepstest"
)

// The shipped example's shape (option 7 with a tenant user, create and
// accept, the bootstrap password from the environment) applied twice: the
// second run needs neither the bootstrap password nor a tenant user, warns
// about nothing, reports every option unchanged and changes no file.
func TestApplySameFileTwiceChangesNothing(t *testing.T) {
	w := stepstest.New(t)
	w.Vars["BOOT"] = stepstest.BootstrapPassword
	w.Vars["TENANT_PW"] = stepstest.AdminPassword
	cfg, _ := w.Env.Props.LoadAgentConfig()
	cfg.BootstrapPassword = ""
	if err := w.Env.Props.SaveAgentConfig(cfg); err != nil {
		t.Fatal(err)
	}
	file := []byte(`version: 1
options:
  - option: 7
    answers:
      cloud_url: ` + w.URL + `
      bootstrap_password: {env: BOOT}
      tenant_user: ` + stepstest.AdminUser + `
      tenant_password: {env: TENANT_PW}
    register: {wait: true, timeout: 30s, create: true, accept: true}
`)
	apply := func() []answers.OptionResult {
		t.Helper()
		plan, err := answers.LoadAnswers(context.Background(), w.Env, "a.yaml", file, answers.CheckOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.Warnings) > 0 {
			t.Errorf("warnings: %v", plan.Warnings)
		}
		var res []answers.OptionResult
		if err := answers.Apply(context.Background(), w.Env, plan, answers.ApplyOptions{Log: steps.NewActionLog(w.Env),
			Result: func(r answers.OptionResult) { res = append(res, r) }}); err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := apply(); len(res) != 1 || res[0].Result != answers.ResultChanged || len(res[0].Changes) == 0 {
		t.Fatalf("first run: %+v", res)
	}
	delete(w.Vars, "BOOT")
	delete(w.Vars, "TENANT_PW")
	before := snapshot(t, w.Env.Root)
	res := apply()
	if len(res) != 1 || res[0].Result != answers.ResultUnchanged || len(res[0].Changes) != 0 {
		t.Fatalf("second run: %+v", res)
	}
	// Only the records of runs may change.
	after := snapshot(t, w.Env.Root)
	for _, p := range []string{steps.ActionLogFile, "var/lib/edge-setup/completed.json"} {
		delete(before, filepath.Join(w.Env.Root, p))
		delete(after, filepath.Join(w.Env.Root, p))
	}
	for p, v := range after {
		if before[p] != v {
			t.Errorf("%s was created or changed", p)
		}
	}
}

// What an earlier option of the file will do counts as done: S after 7 and
// B after 2 are checked when they run; alone they are refused as before.
func TestAnswersLaterOptionsWaitForEarlierOnes(t *testing.T) {
	w := stepstest.New(t)
	for _, c := range []struct {
		file  string
		after []string
	}{
		{"options:\n  - option: 7\n    answers: {cloud_url: " + w.URL + ", tenant_user: \"\"}\n    register: {wait: true}\n  - option: S\n", []string{"7"}},
		{"options:\n  - option: 2\n    answers: {}\n  - option: B\n    databroker: x\n", []string{"2"}},
	} {
		plan, err := answers.LoadAnswers(context.Background(), w.Env, "a.yaml", []byte(c.file), answers.CheckOptions{})
		var last answers.PlannedOption
		if plan != nil {
			last = plan.Options[len(plan.Options)-1]
		}
		if !last.Deferred || strings.Join(last.After, ",") != strings.Join(c.after, ",") {
			t.Errorf("%s: last option %+v (err %v)", c.file, last, err)
		}
		for _, p := range problemsOf(err) {
			if strings.Contains(p.Msg, "cannot run now") {
				t.Errorf("%s: refused: %s", c.file, p)
			}
		}
	}
	_, err := answers.LoadAnswers(context.Background(), w.Env, "a.yaml", []byte("options:\n  - option: S\n"), answers.CheckOptions{})
	wantProblem(t, problems(t, err), 2, "option S (Remote SSH access through the tenant) cannot run now")
}

func problemsOf(err error) []answers.AnswerProblem {
	var ae *answers.AnswersError
	if errors.As(err, &ae) {
		return ae.Problems
	}
	return nil
}

// --verify checks what it can of a deferred option before the options it
// waits for: S's tenant user logs in at option 7's cloud URL.
func TestVerifyChecksADeferredOptionsTenantUser(t *testing.T) {
	w := stepstest.New(t)
	w.Vars["PW"] = "wrong-password"
	file := "options:\n  - option: 7\n    answers: {cloud_url: " + w.URL + ", tenant_user: \"\"}\n    register: {wait: true}\n" +
		"  - option: S\n    answers:\n      tenant_user: " + stepstest.AdminUser + "\n      tenant_password: {env: PW}\n"
	if _, err := answers.LoadAnswers(context.Background(), w.Env, "a.yaml", []byte(file), answers.CheckOptions{}); err != nil {
		t.Fatalf("without --verify: %v", err)
	}
	_, err := answers.LoadAnswers(context.Background(), w.Env, "a.yaml", []byte(file), answers.CheckOptions{Verify: true})
	wantProblem(t, problems(t, err), 8, "tenant_password: the tenant refused user")
	w.Vars["PW"] = stepstest.AdminPassword
	if _, err := answers.LoadAnswers(context.Background(), w.Env, "a.yaml", []byte(file), answers.CheckOptions{Verify: true}); err != nil {
		t.Fatalf("right password: %v", err)
	}
}
