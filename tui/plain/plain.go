// Package plain is the line-prompt front end: the same menu, prompts and
// step statuses as the TUI, as plain lines without escape codes, for serial
// consoles, dumb terminals and answers piped into stdin.
package plain

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/term"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/safetext"
)

// ErrInputEnded means stdin closed before the operator chose Exit.
var ErrInputEnded = errors.New("input ended")

// Options configure the plain front end.
type Options struct {
	Env    *steps.Env
	In     io.Reader
	Out    io.Writer
	Banner []string
}

// UI is a running plain front end.
type UI struct {
	env    *steps.Env
	in     *bufio.Reader
	inFile *os.File // set when stdin is a terminal: secrets are read without echo
	out    io.Writer
	banner []string
}

// New returns the plain front end.
func New(o Options) *UI {
	// Everything plain mode prints passes the one sanitiser: tenant IDs,
	// error texts, file contents and typed answers cannot send escape codes.
	u := &UI{env: o.Env, in: bufio.NewReader(o.In), out: safetext.Writer(o.Out), banner: o.Banner}
	if f, ok := o.In.(*os.File); ok && term.IsTerminal(f.Fd()) {
		u.inFile = f
	}
	return u
}

// Run shows the menu until the operator chooses Exit (nil) or input ends.
func (u *UI) Run(ctx context.Context) error {
	for _, b := range u.banner {
		u.println(b)
	}
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		u.menu()
		line, err := u.readLine(menuQuestion())
		if err != nil {
			return err
		}
		line = strings.TrimSpace(line)
		n, convErr := strconv.Atoi(line)
		switch {
		case line == "q" || n == steps.ExitNumber:
			u.println("Bye.")
			return nil
		case line == "d" || line == "D":
			u.diagnose(ctx)
			continue
		case steps.ByLetter(line) != nil:
			if err := u.RunStep(ctx, steps.ByLetter(line)); errors.Is(err, ErrInputEnded) || ctx.Err() != nil {
				return err
			}
			continue
		case strings.EqualFold(line, steps.DataBrokerLetter):
			if err := u.dataBroker(ctx); errors.Is(err, ErrInputEnded) || ctx.Err() != nil {
				return err
			}
			continue
		case line == "r":
			if err := u.resume(ctx); errors.Is(err, ErrInputEnded) || ctx.Err() != nil {
				return err
			}
			continue
		case convErr != nil || steps.ByNumber(n) == nil:
			u.println("  x Enter a number from 1 to 9, or a letter of the menu.")
			continue
		}
		if err := u.RunStep(ctx, steps.ByNumber(n)); err != nil {
			if errors.Is(err, ErrInputEnded) || ctx.Err() != nil {
				return err
			}
		}
	}
}

func (u *UI) menu() {
	u.println("")
	u.println("Cumulocity IoT Edge post-installation")
	for _, s := range steps.All() {
		u.printf("%d. %s\n", s.Number(), s.Title(u.env))
	}
	u.printf("%d. Exit\n", steps.ExitNumber)
	for _, s := range steps.Letters() {
		u.printf("%s. %s\n", s.Letter(), s.Title(u.env))
	}
	u.println(steps.DataBrokerLetter + ". " + steps.DataBroker{}.Title(u.env))
	u.println("D. Diagnose the connection to the tenant")
	if p, ok := steps.PendingRegistration(u.env); ok {
		u.printf("r. Resume the registration with %s (%s since %s)\n", p.URL, p.Timeline.Current(), p.Started.Format("15:04"))
	}
	for _, r := range steps.MenuRules {
		u.println("- " + r)
	}
}

// resume continues a registration left while waiting.
func (u *UI) resume(ctx context.Context) error {
	reg, err := steps.EdgeAgent{}.NewRegistration(u.env, steps.Answers{})
	if err == nil && reg == nil {
		err = errors.New("remote management is disabled: choose 7 to configure a tenant")
	}
	if err != nil {
		u.println("  x " + err.Error())
		return err
	}
	return u.register(ctx, reg)
}

// RunStep drives one option: prerequisites, prompts, confirmation, run.
// It returns the step's error (already shown).
func (u *UI) RunStep(ctx context.Context, s steps.Step) error {
	u.printf("\n%s - %s\n", steps.OptionLabel(s), s.Title(u.env))
	if err := s.Available(u.env); err != nil {
		u.println("  x Not available now: " + err.Error())
		return err
	}
	a := steps.Answers{}
	if err := u.ask(ctx, s, a); err != nil {
		return err
	}
	if next := steps.HandOver(a); next != nil {
		return u.RunStep(ctx, next)
	}
	u.println("This will:")
	for _, l := range s.Confirm(u.env, a) {
		u.println("  - " + l)
	}
	yes, err := u.yesNo("Proceed? [y/N]: ", false)
	if err != nil {
		return err
	}
	if !yes {
		u.println("Cancelled: nothing was changed.")
		return steps.ErrCancelled
	}
	log := steps.NewActionLog(u.env)
	err = s.Run(ctx, u.env, a, log.Wrap(s.Number(), u.event))
	log.Finished(s.Number(), err)
	if err != nil {
		u.println("  x Stopped: " + err.Error())
		return err
	}
	u.println("Done.")
	if ls, ok := s.(steps.DataBrokerConnector); ok {
		return u.followLink(ctx, ls, a)
	}
	if rs, ok := s.(interface {
		NewRegistration(*steps.Env, steps.Answers) (*steps.Registration, error)
	}); ok {
		reg, err := rs.NewRegistration(u.env, a)
		if err != nil {
			u.println("  x " + err.Error())
			return err
		}
		if reg != nil {
			return u.register(ctx, reg)
		}
	}
	return nil
}

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

func (u *UI) event(e steps.Event) {
	for _, l := range EventLines(e) {
		u.println(l)
	}
}

// EventLines formats a step event as plain lines ("  [ok]      name - detail");
// apply prints the same.
func EventLines(e steps.Event) []string {
	switch e.Kind {
	case steps.SubStepStarted:
		return nil
	case steps.SubStepDone:
		return []string{"  [ok]      " + withDetail(e)}
	case steps.SubStepFailed:
		return []string{"  [FAILED]  " + e.Name + ": " + e.Detail}
	case steps.SubStepSkipped:
		return []string{"  [skipped] " + withDetail(e)}
	case steps.Planned:
		return []string{"  [planned] would run: " + e.Detail + " (not executed under a sandbox root)"}
	case steps.Warning:
		return []string{"  [warning] " + e.Detail}
	case steps.Output:
		var out []string
		for _, l := range strings.Split(e.Detail, "\n") {
			out = append(out, "            "+l)
		}
		return out
	}
	return []string{"  [info]    " + e.Detail}
}

func withDetail(e steps.Event) string {
	if e.Detail == "" {
		return e.Name
	}
	return e.Name + " - " + e.Detail
}

func (u *UI) yesNo(prompt string, def bool) (bool, error) {
	for {
		in, err := u.readLine(prompt)
		if err != nil {
			return false, err
		}
		switch strings.ToLower(strings.TrimSpace(in)) {
		case "":
			return def, nil
		case "y", "yes":
			return true, nil
		case "n", "no":
			return false, nil
		}
		u.println("  x Answer y or n.")
	}
}

func (u *UI) readAnswer(prompt string, secret bool) (string, error) {
	if secret && u.inFile != nil {
		fmt.Fprint(u.out, prompt)
		b, err := term.ReadPassword(u.inFile.Fd())
		fmt.Fprintln(u.out)
		if err != nil {
			return "", ErrInputEnded
		}
		if len(b) > steps.MaxAnswerLength {
			u.printf("  x The answer is longer than %d characters (a paste gone wrong?): enter it again.\n", steps.MaxAnswerLength)
			return u.readAnswer(prompt, secret)
		}
		return string(b), nil
	}
	return u.readLine(prompt)
}

func (u *UI) readLine(prompt string) (string, error) {
	for {
		fmt.Fprint(u.out, prompt)
		line, tooLong, err := u.readBoundedLine()
		if errors.Is(err, errRunawayInput) {
			u.printf("\n  x The input has no line end in %d MiB: it is not typed answers (is /dev/zero or a binary file piped in?); stopping.\n", maxRunaway>>20)
			return "", ErrInputEnded
		}
		if err != nil && (line == "" || !errors.Is(err, io.EOF)) {
			fmt.Fprintln(u.out)
			return "", ErrInputEnded
		}
		if u.inFile == nil {
			fmt.Fprintln(u.out) // piped input is not echoed: end the prompt line
		}
		if tooLong {
			u.printf("  x The answer is longer than %d characters (a paste gone wrong?): enter it again.\n", steps.MaxAnswerLength)
			continue
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
}

// maxRunaway is how much input without a line end is read before plain
// mode gives up on it.
const maxRunaway = 1 << 20

var errRunawayInput = errors.New("no line end in the input")

// readBoundedLine reads one line of at most steps.MaxAnswerLength bytes;
// the rest of a longer line is read and dropped in pieces (never held), so
// a runaway input (a 20,000 character paste, /dev/zero piped in) costs
// neither memory nor time.
func (u *UI) readBoundedLine() (line string, tooLong bool, err error) {
	var b []byte
	read := 0
	for {
		chunk, err := u.in.ReadSlice('\n')
		if read += len(chunk); read > maxRunaway {
			return "", true, errRunawayInput
		}
		if !tooLong {
			if len(b)+len(chunk) > steps.MaxAnswerLength+2 { // +2: the line end
				tooLong, b = true, nil
			} else {
				b = append(b, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if tooLong && errors.Is(err, io.EOF) {
			return "", true, nil
		}
		return string(b), tooLong, err
	}
}

func (u *UI) println(s string)             { fmt.Fprintln(u.out, s) }
func (u *UI) printf(f string, args ...any) { fmt.Fprintf(u.out, f, args...) }

// menuQuestion names every choice of the menu: the numbers and the letters.
func menuQuestion() string {
	var letters []string
	for _, s := range steps.Letters() {
		letters = append(letters, s.Letter())
	}
	letters = append(letters, steps.DataBrokerLetter, "D")
	return fmt.Sprintf("Enter option [1-9, %s]: ", strings.Join(letters, ", "))
}
