package answers

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/flow"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/system"
)

// checkOption checks availability and walks the prompts. earlier are the
// options of the file before this one: what they will do counts as done, so
// an option that needs one of them is checked just before it runs.
func (c *checker) checkOption(ctx context.Context, fo fileOption, earlier []fileOption, verify bool) PlannedOption {
	s := optionStep(fo.number)
	po := PlannedOption{Step: s, Line: fo.line, Register: fo.register, src: fo}
	if fo.broken {
		return po
	}
	if fo.number == 8 {
		hs, err := options.LoadHostingState(c.env)
		if err == nil && hs.Enabled == (fo.hosting == "enabled") {
			po.Skip = "unchanged: microservice hosting is already " + fo.hosting
			return po
		}
	}
	if err := s.Available(c.env); err != nil {
		if after := providers(fo.number, earlier); len(after) > 0 {
			po.Deferred = true
			for _, n := range after {
				po.After = append(po.After, fileOptionName(n))
			}
			c.readAll(fo, nil) // secrets that cannot be read are reported now
			if verify {
				c.verifyDeferred(ctx, fo, earlier)
			}
			return po
		}
		c.problem(fo.line, "option %s (%s) cannot run now: %v", fileOptionName(fo.number), s.Title(c.env), err)
		return po
	}
	a, matched := c.walk(ctx, s, fo, verify)
	po.Answers = a
	if matched != "" {
		po.Skip = matched
	}
	return po
}

// providers are the earlier options of the file that do what option n
// needs before it can run (option 2 for the Edge tenant's admin, option 7
// for the cloud tenant and the device credentials), in file order.
func providers(n int, earlier []fileOption) []int {
	var needs []int
	switch {
	case dependsOnPostInstall(n):
		needs = []int{2}
	case n == steps.DataBrokerNumber:
		needs = []int{2, 7}
	case n == steps.RemoteAccessNumber:
		needs = []int{7}
	}
	var out []int
	for _, e := range earlier {
		if slices.Contains(needs, e.number) && !slices.Contains(out, e.number) && !e.broken {
			out = append(out, e.number)
		}
	}
	return out
}

// verifyDeferred runs the network check a deferred option allows before
// the options it waits for have run: its tenant user (S, B) logs in at the
// cloud URL an earlier option 7 of the file gives.
func (c *checker) verifyDeferred(ctx context.Context, fo fileOption, earlier []fileOption) {
	user, pw := fo.values[steps.KeyTenantUser], fo.values[steps.KeyTenantPassword]
	url := ""
	for _, e := range earlier {
		if v, ok := e.values[steps.KeyCloudURL]; ok && e.number == 7 && v.from == nil {
			url = v.value
		}
	}
	url, err := system.NormalizeCloudURL(url)
	if user.value == "" || user.from != nil || url == "" || err != nil {
		return
	}
	secret, err := pw.read(c.env, steps.KeyTenantPassword)
	if err != nil {
		return // readAll reported it
	}
	vctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := options.VerifyLogin(vctx, c.env, url, steps.TenantUserCredentials(c.env, user.value, secret.value)); err != nil {
		c.problem(pw.line, "%s: %v (checked at %s because of --verify)", steps.KeyTenantPassword, err, url)
	}
}

// readAll reads every {env:}/{file:} value of an option but those of the
// keys in done, when its prompts cannot be walked (yet), so that a missing
// secret is reported before anything changes.
func (c *checker) readAll(fo fileOption, done map[string]bool) {
	for key, v := range fo.values {
		if done[key] {
			continue
		}
		r, err := v.read(c.env, key)
		if err != nil {
			c.problem(v.line, "%s: %v", key, err)
			continue
		}
		if r.sourced {
			c.secrets = append(c.secrets, r.value)
		}
	}
}

func dependsOnPostInstall(n int) bool { return n == 3 || n == 4 || n == 6 }

// checkRegister checks what the registration needs beyond option 7's answers.
func (c *checker) checkRegister(fo fileOption, a steps.Answers) {
	spec := fo.register
	if spec == nil || a[options.KeyConnectedAction] == options.ConnectedCheck {
		return // registered with this tenant already: nothing to create or accept
	}
	if a[steps.KeyCloudURL] == "" {
		c.problem(spec.Line, "register: cloud_url is blank, which disables remote management: there is no tenant to register with")
		return
	}
	if (spec.Create || spec.Accept) && a[steps.KeyTenantUser] == "" && options.EnvTenantUser(c.env) == nil {
		c.problem(spec.Line, "register: create and accept need a tenant user: give tenant_user and tenant_password, or set C8Y_USER and C8Y_PASSWORD")
	}
}

// maxPrompts stops a walk whose step keeps asking (a bug, not a file problem).
const maxPrompts = 64

// walk answers s's prompts from the file's values exactly as a front end
// would, stopping at the first problem. matched, when not "", says that the
// Edge already is as the option's answers want it: the option then has
// nothing to do.
func (c *checker) walk(ctx context.Context, s steps.Step, fo fileOption, verify bool) (a steps.Answers, matched string) {
	nprobs := len(c.problems)
	values := fo.values
	if fo.number == steps.DataBrokerNumber {
		values = cloneValues(values)
		values[options.KeyDBTitle] = fileValue{value: fo.broker, line: fo.line}
		for _, k := range []string{options.KeyDBDescription, options.KeyDBFragments, options.KeyDBType, steps.KeyTenantUser} {
			if !hasKey(values, k) {
				values[k] = fileValue{line: fo.line} // optional: blank unless given
			}
		}
	}
	if fo.number == steps.RemoteAccessNumber {
		values = cloneValues(values)
		if !hasKey(values, options.KeyRAAllow) {
			values[options.KeyRAAllow] = fileValue{line: fo.line} // optional: only the SSH server unless given
		}
		if !hasKey(values, options.KeyRAAction) {
			values[options.KeyRAAction] = fileValue{value: "on", line: fo.line}
		}
	}
	if fo.number <= 3 && !hasKey(values, system.KeyInputMode) {
		values = cloneValues(values)
		values[system.KeyInputMode] = fileValue{value: system.InputConsole, line: fo.line}
	}
	preset := steps.Answers{}
	if fo.number == steps.DataBrokerNumber {
		preset[options.KeyDBWanted] = "yes" // the file names the connector it wants: an existing one is kept or changed
	}
	// The file's values go through the engine the console's answers go
	// through: the same order, the same checks at the field.
	f := flow.NewWith(c.env, s, preset)
	name := fileOptionName(fo.number)
	asked := map[string]bool{}
	// stop ends a walk at a problem: the file is refused, so the values
	// the walk did not reach are read too, to report every problem at once.
	stop := func() (steps.Answers, string) {
		c.readAll(fo, asked)
		return f.Answers(), ""
	}
	for range maxPrompts {
		p, err := f.Next()
		if err != nil {
			c.problem(fo.line, "option %s: %v", name, err)
			return stop()
		}
		if p == nil {
			a = f.Answers()
			matched = alreadyDone(c.env, fo.number, a)
			for key, v := range fo.values {
				// A {env:}/{file:} value not asked for was never read: one
				// file may serve Edges that need it and Edges that do not
				// (the bootstrap password is asked only while there is none).
				if matched == "" && v.from == nil && !asked[key] && !a.Has(key) {
					c.warn(v.line, "option %s does not ask for %s with these answers and the Edge's current state: it is ignored", name, key)
				}
			}
			if len(c.problems) == nprobs {
				c.secrets = append(c.secrets, f.Secrets()...)
				c.checkRegister(fo, a)
			}
			return a, matched
		}
		asked[p.Key] = true
		v, ok := values[p.Key]
		if !ok && p.Key == steps.KeyPasswordAgain {
			v, ok = values[steps.CfgAdminPassword]
		}
		if !ok && p.ConsoleOnly {
			v, ok = fileValue{value: p.Default, line: fo.line}, true
		}
		if !ok {
			msg := fmt.Sprintf("option %s needs %s (%s)", name, p.Key, p.Text)
			if p.Note != "" {
				msg += ": " + p.Note
			}
			c.problem(fo.line, "%s", msg)
			return stop()
		}
		if v, err = v.read(c.env, p.Key); err != nil {
			c.problem(v.line, "%s: %v", p.Key, err)
			return stop()
		}
		if v.sourced {
			c.secrets = append(c.secrets, v.value)
		}
		o := flow.Validate(p, v.value)
		if verify && o.Invalid == nil && p.Verify != nil {
			vctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			o = flow.Check(vctx, p, v.value)
			cancel()
		}
		switch {
		case o.Invalid != nil:
			c.problem(v.line, "%s: %v", p.Key, o.Invalid)
			return stop()
		case o.VerifyErr != nil:
			c.problem(v.line, "%s: %v (checked because of --verify)", p.Key, o.VerifyErr)
			return stop()
		}
		if p.Secret && !v.sourced && v.value != "" && p.Key != steps.KeyPasswordAgain {
			c.warn(v.line, "%s is a secret written in the file itself: prefer {env: VARIABLE} or {file: PATH}, and keep the file private", p.Key)
		}
		if err := f.Accept(v.value, o.Value, false); err != nil {
			c.problem(v.line, "%s: %v", p.Key, err)
			return stop()
		}
	}
	c.problem(fo.line, "option %s keeps asking after %d answers: this is a bug in edge-setup, please report it", name, maxPrompts)
	return stop()
}

// fileOptionName is the operator's name of option n (S, B or its number).
func fileOptionName(n int) string {
	if s := optionStep(n); s != nil {
		return options.OptionLabel(s)
	}
	return steps.OptionName(n)
}

func hasKey(m map[string]fileValue, k string) bool { _, ok := m[k]; return ok }

func cloneValues(m map[string]fileValue) map[string]fileValue {
	out := make(map[string]fileValue, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}
