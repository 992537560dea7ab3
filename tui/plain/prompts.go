package plain

import (
	"context"
	"strings"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/flow"
)

// ask drives the flow's prompts as line prompts: the same engine as the
// TUI's step page, so file input, checks, going back and the plan behave
// the same in both front ends.
func (u *UI) ask(ctx context.Context, f *flow.Flow) error {
	told := false
	for {
		p, err := f.Next()
		if err != nil {
			u.println("  x " + err.Error())
			return err
		}
		if p == nil {
			return nil
		}
		if p.Note != "" {
			u.println("  ! " + p.Note)
		}
		if !told && f.CanGoBack() {
			told = true
			u.println("  (type " + backWord + " to change the previous answer)")
		}
		if err := u.answer(ctx, f, p); err != nil {
			return err
		}
	}
}

// answer reads lines until p is answered, an earlier answer is asked
// again, or the operator goes back.
func (u *UI) answer(ctx context.Context, f *flow.Flow, p *steps.Prompt) error {
	keep := "" // a value whose check failed and that may be kept
	// Enter takes the default; a blank answer that means something ("leave
	// blank to ...") is then typed as the clear word.
	_, blankErr := p.Check("")
	clearable := p.Default != "" && !p.Secret && blankErr == nil
	for {
		text := p.Text
		if p.Default != "" && !p.Secret {
			text += " [" + p.Default + "]"
			if clearable {
				text += " (" + clearWord + " for blank)"
			}
		}
		in, err := u.readAnswer(text+" ", p.Secret)
		if err != nil {
			return err
		}
		word := strings.ToLower(strings.TrimSpace(in))
		if keep != "" && word == keepWord {
			return f.Accept(keep, keep, true)
		}
		if word == backWord && f.CanGoBack() {
			f.Back("")
			return nil
		}
		keep = ""
		switch {
		case in == "" && p.Default != "":
			in = p.Default
		case clearable && strings.TrimSpace(in) == clearWord:
			in = ""
		}
		o := flow.Check(ctx, p, in)
		switch {
		case o.Invalid != nil:
			u.println("  x " + o.Invalid.Error())
			if f.Forget(o.Invalid) {
				return nil // earlier answers are asked again
			}
			continue
		case o.VerifyErr != nil:
			u.println("  x " + o.VerifyErr.Error())
			if f.Forget(o.VerifyErr) {
				return nil
			}
			// What is typed next is the corrected value; keeping the
			// unchecked one takes the word, never a stray key.
			if o.Keepable {
				keep = o.Value
				u.println("  Enter the corrected value, or type " + keepWord + " to use " + shown(p, o.Value) + " unchecked.")
			} else {
				u.println("  Enter the corrected value.")
			}
			continue
		case o.Verified != "":
			u.println("  ok " + o.Verified)
		}
		return f.Accept(in, o.Value, false)
	}
}

// keepWord keeps a value whose check failed (plain mode's Tab); backWord
// goes to the previous answer (the TUI's Shift+Tab); clearWord answers
// blank where Enter would take the default (the TUI's Ctrl+U).
const (
	keepWord  = "keep"
	backWord  = "back"
	clearWord = "-"
)

// shown is how a value is named in a hint: never a secret.
func shown(p *steps.Prompt, v string) string {
	if p.Secret {
		return "it"
	}
	return v
}
