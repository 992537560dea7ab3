package steps

import (
	"context"
	"fmt"
	"time"
)

// checkOption checks availability and walks the prompts.
func (c *checker) checkOption(ctx context.Context, fo fileOption, afterPostInstall, verify bool) PlannedOption {
	s := optionStep(fo.number)
	po := PlannedOption{Step: s, Line: fo.line, Register: fo.register, src: fo}
	if fo.broken {
		return po
	}
	if fo.number == 8 {
		hs, err := loadHostingState(c.env)
		if err == nil && hs.Enabled == (fo.hosting == "enabled") {
			po.Skip = "microservice hosting is already " + fo.hosting
			return po
		}
	}
	if err := s.Available(c.env); err != nil {
		if afterPostInstall && dependsOnPostInstall(fo.number) && requirePostInstall(c.env) != nil {
			po.Deferred = true
			return po
		}
		c.problem(fo.line, "option %s (%s) cannot run now: %v", optionName(fo.number), s.Title(c.env), err)
		return po
	}
	a, probs, warns := walkAnswers(ctx, c.env, s, fo, verify)
	c.problems = append(c.problems, probs...)
	c.warnings = append(c.warnings, warns...)
	po.Answers = a
	if len(probs) == 0 {
		c.secrets = append(c.secrets, secretAnswers(c.env, s, a)...)
		c.checkRegister(fo, a)
	}
	return po
}

func dependsOnPostInstall(n int) bool { return n == 3 || n == 4 || n == 6 }

// checkRegister checks what the registration needs beyond option 7's answers.
func (c *checker) checkRegister(fo fileOption, a Answers) {
	spec := fo.register
	if spec == nil {
		return
	}
	if a[KeyCloudURL] == "" {
		c.problem(spec.Line, "register: cloud_url is blank, which disables remote management: there is no tenant to register with")
		return
	}
	if (spec.Create || spec.Accept) && a[KeyTenantUser] == "" && envTenantUser(c.env) == nil {
		c.problem(spec.Line, "register: create and accept need a tenant user: give tenant_user and tenant_password, or set C8Y_USER and C8Y_PASSWORD")
	}
}

// maxPrompts stops a walk whose step keeps asking (a bug, not a file problem).
const maxPrompts = 64

// walkAnswers answers s's prompts from the file's values exactly as a front
// end would, stopping at the first problem.
func walkAnswers(ctx context.Context, env *Env, s Step, fo fileOption, verify bool) (Answers, []AnswerProblem, []AnswerProblem) {
	var probs, warns []AnswerProblem
	values := fo.values
	if fo.number == DataBrokerNumber {
		values = cloneValues(values)
		values[KeyDBTitle] = fileValue{value: fo.broker, line: fo.line}
		for _, k := range []string{KeyDBDescription, KeyDBFragments, KeyDBType, KeyTenantUser} {
			if !hasKey(values, k) {
				values[k] = fileValue{line: fo.line} // optional: blank unless given
			}
		}
	}
	if fo.number == RemoteAccessNumber {
		values = cloneValues(values)
		if !hasKey(values, KeyRAAllow) {
			values[KeyRAAllow] = fileValue{line: fo.line} // optional: only the SSH server unless given
		}
		if !hasKey(values, KeyRAAction) {
			values[KeyRAAction] = fileValue{value: "on", line: fo.line}
		}
	}
	if fo.number <= 3 && !hasKey(values, KeyInputMode) {
		values = cloneValues(values)
		values[KeyInputMode] = fileValue{value: InputConsole, line: fo.line}
	}
	a := Answers{}
	if fo.number == DataBrokerNumber {
		a[keyDBWanted] = "yes" // the file names the connector it wants: an existing one is kept or changed
	}
	asked := map[string]bool{}
	for range maxPrompts {
		p, err := s.NextPrompt(env, a)
		if err != nil {
			probs = append(probs, AnswerProblem{fo.line, fmt.Sprintf("option %s: %v", optionName(fo.number), err)})
			return a, probs, warns
		}
		if p == nil {
			for key, v := range fo.values {
				if !asked[key] && !a.Has(key) {
					warns = append(warns, AnswerProblem{v.line, fmt.Sprintf("option %s does not ask for %s with these answers and the Edge's current state: it is ignored", optionName(fo.number), key)})
				}
			}
			return a, probs, warns
		}
		asked[p.Key] = true
		v, ok := values[p.Key]
		if !ok && p.Key == keyPasswordAgain {
			v, ok = values[CfgAdminPassword]
		}
		if !ok && p.ConsoleOnly {
			v, ok = fileValue{value: p.Default, line: fo.line}, true
		}
		if !ok {
			msg := fmt.Sprintf("option %s needs %s (%s)", optionName(fo.number), p.Key, p.Text)
			if p.Note != "" {
				msg += ": " + p.Note
			}
			probs = append(probs, AnswerProblem{fo.line, msg})
			return a, probs, warns
		}
		norm, err := p.Check(v.value)
		if err != nil {
			probs = append(probs, AnswerProblem{v.line, fmt.Sprintf("%s: %v", p.Key, err)})
			return a, probs, warns
		}
		if verify && p.Verify != nil {
			vctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			err := p.Verify(vctx, norm)
			cancel()
			if err != nil {
				probs = append(probs, AnswerProblem{v.line, fmt.Sprintf("%s: %v (checked because of --verify)", p.Key, err)})
				return a, probs, warns
			}
		}
		if p.Secret && !v.sourced && v.value != "" && p.Key != keyPasswordAgain {
			warns = append(warns, AnswerProblem{v.line, fmt.Sprintf("%s is a secret written in the file itself: prefer {env: VARIABLE} or {file: PATH}, and keep the file private", p.Key)})
		}
		a[p.Key] = norm
	}
	probs = append(probs, AnswerProblem{fo.line, fmt.Sprintf("option %d keeps asking after %d answers: this is a bug in edge-setup, please report it", fo.number, maxPrompts)})
	return a, probs, warns
}

func hasKey(m map[string]fileValue, k string) bool { _, ok := m[k]; return ok }

func cloneValues(m map[string]fileValue) map[string]fileValue {
	out := make(map[string]fileValue, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// secretAnswers are the values of a's secret prompts (replayed to learn
// which prompts are secret).
func secretAnswers(env *Env, s Step, a Answers) []string {
	var out []string
	replay := Answers{}
	for range maxPrompts {
		p, err := s.NextPrompt(env, replay)
		if err != nil || p == nil || !a.Has(p.Key) {
			break
		}
		if p.Secret {
			out = append(out, a[p.Key])
		}
		replay[p.Key] = a[p.Key]
	}
	return out
}
