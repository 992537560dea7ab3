package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/flow"
)

// field is one prompt being answered: the text input, its validation (a
// typed value is refused with the reason under it) and its slow check (a
// tenant probe). Every page that asks something uses it, so a failed check
// behaves the same everywhere: the value stays in the field and typing
// edits it (no key is swallowed by a choice), Enter checks again, and
// keeping an unchecked value is a deliberate Tab, offered only when keeping
// it makes sense.
type field struct {
	c      *common
	page   int64
	ctx    context.Context
	prompt *steps.Prompt
	input  textinput.Model
	state  fieldState

	inputErr  string // validation error under the field
	verifyErr string // the slow check failed
	keepable  bool   // the failed value may be kept anyway
	pending   string // the normalised value that failed its check
	answer    string // set when an outcome is fieldAccepted
	kept      bool   // the answer was kept with Tab although its check failed
	reaskErr  error  // set when an outcome is fieldReask
}

type fieldState int

const (
	fieldEditing fieldState = iota
	fieldChecking
	fieldFailed // the check failed; the field still takes keys
)

// fieldCheckedMsg is the result of a field's check, for the page that owns it.
type fieldCheckedMsg struct {
	page      int64
	value     string
	invalid   error
	verifyErr error
}

// fieldOutcome is what a page learns from a key or a check.
type fieldOutcome int

const (
	fieldNothing  fieldOutcome = iota
	fieldAccepted              // value is the answer
	fieldReask                 // a ReaskError: earlier answers are asked again
	fieldCancel                // Esc
	fieldPrevious              // Shift+Tab or ↑: back to the previous answer
)

func newField(c *common, page int64, ctx context.Context, pr *steps.Prompt, carriedErr string) *field {
	f := &field{c: c, page: page, ctx: ctx, prompt: pr, inputErr: carriedErr}
	f.input = textinput.New()
	f.input.CharLimit = steps.MaxAnswerLength // a runaway paste must not freeze the console
	f.input.Prompt = "> "
	f.input.SetValue(pr.Default)
	f.input.CursorEnd()
	f.input.SetWidth(max(c.width-4, 20))
	if pr.Secret {
		f.input.EchoMode = textinput.EchoPassword
		f.input.EchoCharacter = '•'
	}
	return f
}

func (f *field) focus() tea.Cmd { return f.input.Focus() }

// checking reports a check in flight (the page shows its spinner).
func (f *field) checking() bool { return f.state == fieldChecking }

// check validates (and verifies) the typed value off the Update loop:
// validators may read files, verifiers talk to the tenant.
func (f *field) check() tea.Cmd {
	value := f.input.Value()
	f.state, f.inputErr, f.verifyErr = fieldChecking, "", ""
	pr, ctx, id := f.prompt, f.ctx, f.page
	return func() tea.Msg {
		vctx, cancel := context.WithTimeout(ctx, verifyTimeout)
		defer cancel()
		o := flow.Check(vctx, pr, value)
		if o.Invalid != nil {
			return fieldCheckedMsg{page: id, value: value, invalid: o.Invalid}
		}
		return fieldCheckedMsg{page: id, value: o.Value, verifyErr: o.VerifyErr}
	}
}

// onChecked takes the result of check.
func (f *field) onChecked(msg fieldCheckedMsg) (fieldOutcome, tea.Cmd) {
	switch {
	case msg.invalid != nil && errors.As(msg.invalid, new(*steps.ReaskError)):
		f.reaskErr = msg.invalid
		return fieldReask, nil
	case msg.invalid != nil:
		f.state, f.inputErr = fieldEditing, msg.invalid.Error()
		if f.prompt.Secret {
			// A refused secret cannot be read to correct it: the operator
			// types it again, not after the dots still standing there.
			f.input.SetValue("")
		}
		return fieldNothing, f.input.Focus()
	case msg.verifyErr != nil:
		if errors.Is(msg.verifyErr, context.Canceled) {
			return fieldNothing, nil
		}
		if errors.As(msg.verifyErr, new(*steps.ReaskError)) {
			f.reaskErr = msg.verifyErr
			return fieldReask, nil
		}
		f.state, f.verifyErr, f.pending = fieldFailed, msg.verifyErr.Error(), msg.value
		f.keepable = steps.Keepable(msg.verifyErr)
		return fieldNothing, f.input.Focus()
	}
	f.answer = msg.value
	return fieldAccepted, nil
}

// onKey handles a key while the field is shown.
func (f *field) onKey(k tea.KeyPressMsg) (fieldOutcome, tea.Cmd) {
	switch {
	case key.Matches(k, keys.Back):
		return fieldCancel, nil
	case key.Matches(k, keys.PrevAnswer):
		return fieldPrevious, nil
	case f.state == fieldChecking:
		return fieldNothing, nil
	case f.state == fieldFailed && f.keepable && key.Matches(k, keys.KeepAnyway):
		f.answer, f.kept = f.pending, true
		return fieldAccepted, nil
	case key.Matches(k, keys.Submit):
		return fieldNothing, f.check()
	}
	return fieldNothing, f.edit(k)
}

// edit gives a key or a pasted piece of one line to the input. A paste
// longer than the field takes is cut, and the field says so.
func (f *field) edit(msg tea.Msg) tea.Cmd {
	before := f.input.Value()
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(msg)
	if f.input.Value() != before {
		// Typing edits the value: the old message no longer describes it.
		f.inputErr, f.verifyErr, f.state = "", "", fieldEditing
	}
	if p, ok := msg.(tea.PasteMsg); ok {
		if n := len([]rune(before)) + len([]rune(p.Content)); n > steps.MaxAnswerLength {
			f.inputErr = fmt.Sprintf("The paste made %d characters; the field keeps the first %d (a paste gone wrong?): check the value or clear it with Ctrl+U.", n, steps.MaxAnswerLength)
		}
	}
	return cmd
}

// update passes other messages (cursor blink, paste) to the input.
func (f *field) update(msg tea.Msg) tea.Cmd {
	if f.state == fieldChecking {
		return nil
	}
	var cmd tea.Cmd
	f.input, cmd = f.input.Update(msg)
	return cmd
}

func (f *field) shortHelp() []key.Binding {
	if f.state == fieldFailed {
		b := []key.Binding{keys.CheckAgain}
		if f.keepable {
			b = append(b, keys.KeepAnyway)
		}
		return append(b, keys.Back)
	}
	return []key.Binding{keys.Submit, keys.Back}
}

// view draws the prompt, the field and what is known about the value.
func (f *field) view(sp spinner.Model) string {
	s := f.c.styles
	pr := f.prompt
	var b strings.Builder
	if pr.Note != "" {
		b.WriteString(s.Warning.Render(f.c.hang(symWarn+" "+pr.Note)) + "\n\n")
	}
	b.WriteString(f.c.hang(pr.Text) + "\n")
	b.WriteString(f.input.View() + "\n")
	switch {
	case f.state == fieldChecking && pr.Verify != nil:
		b.WriteString(sp.View() + " Checking…")
	case f.state == fieldFailed:
		b.WriteString(f.c.hang(s.Error.Render(symFailed+" ")+f.verifyErr) + "\n")
		hint := "Correct the value and press Enter to check it again"
		if f.keepable {
			hint += ", Tab to keep it unchecked"
		}
		b.WriteString(s.Dim.Render(f.c.hang(hint + ", Esc to cancel.")))
	case f.inputErr != "":
		b.WriteString(f.c.hang(s.Error.Render(symFailed+" ") + f.inputErr))
	case pr.Help != "":
		b.WriteString(s.Dim.Render(f.c.hang(pr.Help)))
	}
	return b.String()
}
