// Package flow is the one engine that asks an option's questions. An option
// declares its prompts (steps.Step.NextPrompt); a Flow owns what follows
// from them: the order, the answers taken from a parameter file (F), the
// checks at the field, going back to an earlier answer with what was typed
// kept, and the plan shown before anything changes. The TUI and plain mode
// are drivers: they draw a Flow's prompt and hand it what the operator
// typed; neither keeps answers of its own.
//
// A Flow is not safe for concurrent use. A driver that asks for the next
// prompt off its event loop (the TUI) works on a Clone and adopts it when
// the result comes back, so answers read from a file are never lost on the
// way (the cause of F answers vanishing in the TUI).
package flow

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/options"
)

// Flow is one option's questions being answered.
type Flow struct {
	env     *steps.Env
	step    steps.Step
	answers steps.Answers
	order   []given           // every answer, in the order it was given
	kept    map[string]string // what was typed for a question gone back over
	prompt  *steps.Prompt     // the question asked now; nil before Next and after the last
}

// given is one answer: typed by the operator (asked) or taken by the step
// itself (a parameter file's value, an answer derived from another).
type given struct {
	key       string
	typed     string
	asked     bool
	unchecked bool // kept with Tab although its check failed
	secret    bool // the question was a secret one
}

// New starts asking s's questions.
func New(env *steps.Env, s steps.Step) *Flow {
	return NewWith(env, s, nil)
}

// NewWith starts asking s's questions with answers already given (an
// answers file's choice that no question asks, such as B's "keep or change
// the connector named here").
func NewWith(env *steps.Env, s steps.Step, given steps.Answers) *Flow {
	a := clone(given)
	return &Flow{env: env, step: s, answers: a, kept: map[string]string{}}
}

// Step is the option being asked.
func (f *Flow) Step() steps.Step { return f.step }

// Answers is a copy of the answers so far.
func (f *Flow) Answers() steps.Answers { return clone(f.answers) }

// Prompt is the question asked now (nil when none).
func (f *Flow) Prompt() *steps.Prompt { return f.prompt }

// Clone is an independent copy (for work off a driver's event loop).
func (f *Flow) Clone() *Flow {
	g := *f
	g.answers = clone(f.answers)
	g.order = append([]given(nil), f.order...)
	g.kept = make(map[string]string, len(f.kept))
	for k, v := range f.kept {
		g.kept[k] = v
	}
	return &g
}

// Next asks the step for its next question, keeping every answer the step
// took by itself (from a parameter file). It returns nil when everything is
// answered. A question gone back over comes with what was typed as its
// Default, so the operator edits rather than retypes it. Next may read
// files: drivers call it off their event loop.
func (f *Flow) Next() (*steps.Prompt, error) {
	before := clone(f.answers)
	p, err := f.step.NextPrompt(f.env, f.answers)
	f.record(before)
	if err != nil {
		f.prompt = nil
		return nil, err
	}
	if p != nil {
		if typed, ok := f.kept[p.Key]; ok {
			p.Default = typed
		}
	}
	f.prompt = p
	return p, nil
}

// record notes the answers the step added or removed since before.
func (f *Flow) record(before steps.Answers) {
	for k := range f.answers {
		if _, ok := before[k]; !ok {
			f.order = append(f.order, given{key: k, typed: f.answers[k]})
		}
	}
	f.prune()
}

// prune drops from the order the answers that are gone.
func (f *Flow) prune() {
	kept := f.order[:0]
	for _, g := range f.order {
		if f.answers.Has(g.key) {
			kept = append(kept, g)
		}
	}
	f.order = kept
}

// Outcome is what became of a typed answer.
type Outcome struct {
	Value     string // the normalised value (when Invalid is nil)
	Invalid   error  // refused at the field: the reason, shown under it
	Reask     bool   // Invalid asks earlier answers again (they are forgotten)
	VerifyErr error  // the slow check failed; Keepable says whether Tab may keep it
	Keepable  bool
	Verified  string // what a passed slow check proved, for a ✓ line
}

// Validate is the check at the field without the slow one (an answers
// file is verified against the tenant only when asked: apply --verify).
func Validate(p *steps.Prompt, typed string) Outcome {
	v, err := p.Check(typed)
	if err != nil {
		if errors.As(err, new(*steps.ReaskError)) {
			return Outcome{Invalid: err, Reask: true}
		}
		return Outcome{Invalid: shortened(err, typed)}
	}
	return Outcome{Value: v}
}

// Check validates typed against p and, if that passes, runs p's slow check.
// It changes nothing in the flow and may run off the driver's event loop.
func Check(ctx context.Context, p *steps.Prompt, typed string) Outcome {
	o := Validate(p, typed)
	if o.Invalid != nil || p.Verify == nil {
		return o
	}
	v := o.Value
	if verr := p.Verify(ctx, v); verr != nil {
		return Outcome{Value: v, VerifyErr: verr, Keepable: steps.Keepable(verr),
			Reask: errors.As(verr, new(*steps.ReaskError))}
	}
	if p.Verified != nil {
		o.Verified = p.Verified(v)
	}
	return o
}

// maxQuoted is the longest typed value an error message quotes whole.
const maxQuoted = 80

// shortened is err with the typed value, when a message quotes it and it
// is long (a paste gone wrong), cut to its start and its length: the
// message stays readable and says what happened.
func shortened(err error, typed string) error {
	if len([]rune(typed)) <= maxQuoted {
		return err
	}
	short := fmt.Sprintf("%s… (%d characters)", string([]rune(typed)[:40]), len([]rune(typed)))
	msg := err.Error()
	for _, q := range []string{fmt.Sprintf("%q", typed), typed} {
		msg = strings.ReplaceAll(msg, q, short)
	}
	if msg == err.Error() {
		return err
	}
	return errors.New(msg)
}

// Accept records value as the answer to the question asked now; typed is
// what the operator entered (kept for going back). unchecked marks a value
// kept although its slow check failed: the plan says so.
func (f *Flow) Accept(typed, value string, unchecked bool) error {
	if f.prompt == nil {
		return errors.New("flow: no question is asked")
	}
	k := f.prompt.Key
	f.answers[k] = value
	delete(f.kept, k)
	f.order = append(f.order, given{key: k, typed: typed, asked: true, unchecked: unchecked, secret: f.prompt.Secret})
	f.prompt = nil
	return nil
}

// Forget drops the answers a ReaskError names (both password entries when
// they differ) and reports whether err was one.
func (f *Flow) Forget(err error) bool {
	if !steps.Forget(f.answers, err) {
		return false
	}
	f.prune()
	f.prompt = nil
	return true
}

// CanGoBack reports whether an earlier typed answer exists.
func (f *Flow) CanGoBack() bool {
	for _, g := range f.order {
		if g.asked {
			return true
		}
	}
	return false
}

// Back forgets the last answer the operator typed and every answer given
// after it, keeping what was typed so the next Next offers it again. What
// the operator is typing now (current) is kept for when the question comes
// back. It reports false when there is no earlier answer.
func (f *Flow) Back(current string) bool {
	i := len(f.order) - 1
	for i >= 0 && !f.order[i].asked {
		i--
	}
	if i < 0 {
		return false
	}
	if f.prompt != nil && current != "" && !f.prompt.Secret {
		f.kept[f.prompt.Key] = current
	}
	for _, g := range f.order[i:] {
		delete(f.answers, g.key)
	}
	f.kept[f.order[i].key] = f.order[i].typed
	f.order = f.order[:i]
	f.prompt = nil
	return true
}

// Secrets are the answers given to secret questions (for redaction).
func (f *Flow) Secrets() []string {
	var out []string
	for _, g := range f.order {
		if g.secret && f.answers[g.key] != "" {
			out = append(out, f.answers[g.key])
		}
	}
	return out
}

// HandOver is the option that takes over from this one, if any (option 7
// on a connected Edge hands over to S).
func (f *Flow) HandOver() steps.Step { return options.HandOver(f.answers) }

// Plan lists what the option is about to change, one line each, and marks
// the answers kept although their check failed.
func (f *Flow) Plan() []string {
	lines := f.step.Confirm(f.env, clone(f.answers))
	for _, g := range f.order {
		if g.unchecked {
			lines = append(lines, fmt.Sprintf("Use %s unchecked: its check failed and it was kept (Tab)", shown(f.answers[g.key], g.key)))
		}
	}
	return lines
}

// shown names an unchecked answer in the plan; only the URL-like answers
// that a check can fail are ever unchecked, never secrets.
func shown(value, key string) string {
	if value == "" {
		return "an empty " + key
	}
	return value
}

func clone(a steps.Answers) steps.Answers {
	b := make(steps.Answers, len(a))
	for k, v := range a {
		b[k] = v
	}
	return b
}
