// Package steps holds the post-installation options, one file per option, and
// the contract both front ends (tui and plain mode) drive them through.
// Nothing here imports Bubble Tea.
package steps

import (
	"context"
	"errors"
)

// Step is one numbered option of the post-installation menu.
//
// A front end drives a step like this:
//
//	if err := s.Available(env); err != nil { show err; stop }
//	a := Answers{}
//	for { p, err := s.NextPrompt(env, a); if p == nil { break }; ask p, a[p.Key] = p.Validate(input) }
//	show s.Confirm(env, a); ask yes/no
//	s.Run(ctx, env, a, emit)
//
// NextPrompt sees the answers so far, so prompts can depend on earlier answers
// (the domain in option 2's certificate prompt, file or console input, ...).
type Step interface {
	// Number is the menu number (1-9).
	Number() int
	// Title is the menu text; it may depend on recorded state (option 8).
	Title(env *Env) string
	// Available returns nil when the step may run now, or an error that says
	// why not and what to do first (option 2 not completed, run over SSH, ...).
	Available(env *Env) error
	// NextPrompt returns the next question given the answers so far, or nil
	// when everything has been asked. It may read files (a parameter file in
	// file mode) and may add answers it took from such a file to a; front
	// ends call it from a command, never from Update.
	NextPrompt(env *Env, a Answers) (*Prompt, error)
	// Confirm lists, one line each, what Run is about to change.
	Confirm(env *Env, a Answers) []string
	// Run performs the step, reporting each named sub-step through emit.
	// On failure it returns an error that says what happened and what to do;
	// the system is left as it was, or the error says exactly what changed.
	Run(ctx context.Context, env *Env, a Answers, emit Emit) error
}

// Answers holds validated, normalised answers keyed by Prompt.Key.
type Answers map[string]string

// Has reports whether key was answered (possibly with an empty value).
func (a Answers) Has(key string) bool { _, ok := a[key]; return ok }

// MaxAnswerLength bounds one typed answer (characters in the TUI's fields,
// bytes in a plain-mode line): far above any URL, path, name or password the
// options take, and low enough that a runaway paste (20,000 characters)
// does not freeze the console.
const MaxAnswerLength = 1024

// Prompt is one question, with the reference text operators know.
type Prompt struct {
	Key     string // key in Answers (and in answer files)
	Text    string // e.g. "* Enter cloud URL (leave blank to disable remote management):"
	Help    string // one line shown under the prompt; may be empty
	Default string // prefilled value
	Secret  bool   // masked input, never echoed, logged or shown
	// Note, when set, is a message for the operator to read before this prompt
	// (for example why a value from a file was rejected and is asked again).
	Note string
	// Validate checks the raw input and returns the normalised value. The
	// error text is shown to the operator as is: say what is wrong and what
	// is expected. Nil means any input is accepted as typed.
	Validate func(input string) (string, error)
	// Verify, when set, is a slow check (network) run on the normalised
	// value after Validate passes. On error the front end shows the message
	// and lets the operator correct the value or keep it anyway.
	Verify func(ctx context.Context, value string) error
	// Verified, when set, says in one line what a passed Verify proved
	// ("https://acme.cumulocity.com answers as a Cumulocity tenant"); front
	// ends show it with a ✓ so the operator knows the check ran.
	Verified func(value string) string
	// ConsoleOnly prompts are a choice for an operator at the console;
	// unattended runs (answers files) take Default when the file has no
	// answer for them.
	ConsoleOnly bool
}

// Check runs Validate (if any) on input.
func (p *Prompt) Check(input string) (string, error) {
	if p.Validate == nil {
		return input, nil
	}
	return p.Validate(input)
}

// ErrCancelled is returned when the operator leaves a step before it changes anything.
var ErrCancelled = errors.New("cancelled: nothing was changed")

// ReaskError is returned by a Validate that needs earlier answers asked
// again: when a re-entered password does not match, either entry may be the
// mistyped one, so both are asked again. Front ends show the reason, forget
// Keys (Forget) and call NextPrompt again.
type ReaskError struct {
	Keys   []string
	Reason string
}

func (e *ReaskError) Error() string { return e.Reason }

// Forget removes the answers a ReaskError names and reports whether err was one.
func Forget(a Answers, err error) bool {
	var re *ReaskError
	if !errors.As(err, &re) {
		return false
	}
	for _, k := range re.Keys {
		delete(a, k)
	}
	return true
}
