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
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/term"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/flow"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/registration"
	"github.com/edge-setup/edge-setup/steps/safetext"
)

// ErrInputEnded means stdin closed before the operator chose Exit.
var ErrInputEnded = errors.New("input ended")

// ErrInputEndedInOption means stdin closed while an option was asking,
// confirming or following up: for a script this is a failure, not the end
// of its answers (it is also ErrInputEnded).
var ErrInputEndedInOption = fmt.Errorf("%w in the middle of an option: what came after the last answer was not done", ErrInputEnded)

// Options configure the plain front end.
type Options struct {
	Env    *steps.Env
	In     io.Reader
	Out    io.Writer
	Banner []string
	// Ticks redraw a step's countdown (nil: one a second); tests send their own.
	Ticks <-chan time.Time
}

// UI is a running plain front end.
type UI struct {
	env    *steps.Env
	in     *bufio.Reader
	inFile *os.File // set when stdin is a terminal: secrets are read without echo
	out    io.Writer
	banner []string
	logErr error // the first error writing the action log
	atMenu bool  // reading the menu choice (input ending there is no failure)

	ticks     <-chan time.Time
	waitMu    sync.Mutex  // event and the countdown's redraws print in turn
	wait      steps.Event // the running sub-step's wait (Kind Waiting), or zero
	waitShown int         // the seconds left last printed
}

// New returns the plain front end.
func New(o Options) *UI {
	// Everything plain mode prints passes the one sanitiser: tenant IDs,
	// error texts, file contents and typed answers cannot send escape codes.
	u := &UI{env: o.Env, in: bufio.NewReader(o.In), out: safetext.Writer(o.Out), banner: o.Banner, ticks: o.Ticks}
	if f, ok := o.In.(*os.File); ok && term.IsTerminal(f.Fd()) {
		u.inFile = f
	}
	return u
}

// Run shows the menu until the operator chooses Exit (nil) or input ends.
func (u *UI) Run(ctx context.Context) (err error) {
	defer func() {
		if errors.Is(err, ErrInputEnded) && !u.atMenu {
			err = ErrInputEndedInOption
		}
	}()
	for _, b := range u.banner {
		u.println(b)
	}
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		u.menu()
		u.atMenu = true
		line, err := u.readLine(menuQuestion())
		u.atMenu = err != nil
		if err != nil {
			return err
		}
		line = strings.TrimSpace(line)
		e, known := options.MenuEntryFor(line)
		switch {
		case line == "q" || known && e.Kind == options.EntryExit:
			u.println("Bye.")
			return nil
		case line == "r":
			err = u.resume(ctx)
		case !known:
			u.println("  x Enter a number from 1 to 9, or a letter of the menu.")
			continue
		case e.Kind == options.EntryDiagnose:
			u.diagnose(ctx)
			continue
		case e.Kind == options.EntryDataBroker:
			err = u.dataBroker(ctx)
		default:
			err = u.RunStep(ctx, e.Step)
		}
		if errors.Is(err, ErrInputEnded) || ctx.Err() != nil {
			return err
		}
	}
}

func (u *UI) menu() {
	u.println("")
	u.println("Cumulocity IoT Edge post-installation")
	for _, e := range options.Menu(u.env) {
		u.printf("%s. %s\n", e.Key, e.Title)
	}
	if p, ok := registration.PendingRegistration(u.env); ok {
		u.printf("r. Resume the registration with %s (%s since %s)\n", p.URL, p.Timeline.Current(), p.Started.Format("15:04"))
	}
	for _, r := range options.MenuRules {
		u.println("- " + r)
	}
}

// resume continues a registration left while waiting.
func (u *UI) resume(ctx context.Context) error {
	reg, err := options.EdgeAgent{}.NewRegistration(u.env, steps.Answers{})
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
	u.printf("\n%s - %s\n", options.OptionLabel(s), s.Title(u.env))
	if err := s.Available(u.env); err != nil {
		u.println("  x Not available now: " + err.Error())
		return err
	}
	f := flow.New(u.env, s)
	if err := u.ask(ctx, f); err != nil {
		return err
	}
	a := f.Answers()
	if next := f.HandOver(); next != nil {
		return u.RunStep(ctx, next)
	}
	u.println("This will:")
	for _, l := range f.Plan() {
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
	stopRedraw := u.redrawWaits()
	err = s.Run(ctx, u.env, a, log.Wrap(s.Number(), u.event))
	stopRedraw()
	log.Finished(s.Number(), err)
	if lerr := log.Err(); lerr != nil && u.logErr == nil {
		u.logErr = lerr
	}
	if err != nil {
		u.println("  x Stopped: " + err.Error())
		return err
	}
	u.println("Done.")
	if ls, ok := s.(options.DataBrokerConnector); ok {
		return u.followLink(ctx, ls, a)
	}
	next, err := options.After(u.env, s, a) // what follows is decided in steps
	if err != nil {
		u.println("  x " + err.Error())
		return err
	}
	if next.Registration != nil {
		return u.register(ctx, next.Registration)
	}
	return nil
}

// ActionLogErr is the first error writing the action log in the steps run
// so far (a link or a directory at its path, a full disk): the caller warns.
func (u *UI) ActionLogErr() error { return u.logErr }

func (u *UI) println(s string)             { fmt.Fprintln(u.out, s) }
func (u *UI) printf(f string, args ...any) { fmt.Fprintf(u.out, f, args...) }

// menuQuestion names every choice of the menu: the numbers and the letters.
func menuQuestion() string {
	return fmt.Sprintf("Enter option [1-9, %s]: ", strings.Join(options.MenuLetters(), ", "))
}
