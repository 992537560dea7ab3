package plain

import (
	"context"
	"strings"

	"github.com/edge-setup/edge-setup/steps"
)

// ask loops over the step's prompts with validation and verification.
func (u *UI) ask(ctx context.Context, s steps.Step, a steps.Answers) error {
	for {
		p, err := s.NextPrompt(u.env, a)
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
		keep := "" // a value whose check failed and that may be kept
		for {
			text := p.Text
			if p.Default != "" && !p.Secret {
				text += " [" + p.Default + "]"
			}
			in, err := u.readAnswer(text+" ", p.Secret)
			if err != nil {
				return err
			}
			if keep != "" && strings.EqualFold(strings.TrimSpace(in), keepWord) {
				a[p.Key] = keep
				break
			}
			keep = ""
			if in == "" && p.Default != "" {
				in = p.Default
			}
			v, err := p.Check(in)
			if err != nil {
				u.println("  x " + err.Error())
				if steps.Forget(a, err) {
					break // earlier answers are asked again
				}
				continue
			}
			if p.Verify != nil {
				if verr := p.Verify(ctx, v); verr != nil {
					u.println("  x " + verr.Error())
					// What is typed next is the corrected value; keeping the
					// unchecked one takes the word, never a stray key.
					if steps.Keepable(verr) {
						keep = v
						u.println("  Enter the corrected value, or type " + keepWord + " to use " + shown(p, v) + " unchecked.")
					} else {
						u.println("  Enter the corrected value.")
					}
					continue
				}
				if p.Verified != nil {
					if line := p.Verified(v); line != "" {
						u.println("  ok " + line)
					}
				}
			}
			a[p.Key] = v
			break
		}
	}
}

// keepWord keeps a value whose check failed (plain mode's Tab).
const keepWord = "keep"

// shown is how a value is named in a hint: never a secret.
func shown(p *steps.Prompt, v string) string {
	if p.Secret {
		return "it"
	}
	return v
}
