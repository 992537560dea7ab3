package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"

	"github.com/edge-setup/edge-setup/tui"
	"github.com/edge-setup/edge-setup/tui/plain"
)

// runMenu runs the menu: the Bubble Tea screen on a capable terminal, plain
// line prompts otherwise.
func runMenu(ctx context.Context, g *globals, stdout, stderr io.Writer) int {
	plainMode := g.plain || !isTerminal(os.Stdin) || !isTerminal(os.Stdout) || os.Getenv("TERM") == "dumb"
	// The screen shows the demo's banner itself; printed before it, the
	// intro would stay on the terminal after the exit with passwords that
	// options 2 and 6 may have changed since.
	intro := stdout
	if !plainMode {
		intro = io.Discard
	}
	s, done, code, ok := startLockedSession(g, intro, stderr)
	if !ok {
		return code
	}
	defer done()

	if plainMode {
		ctx, stopInt := signal.NotifyContext(ctx, os.Interrupt)
		defer stopInt()
		defer keepTerminal(os.Stdin)()
		err := plain.New(plain.Options{Env: s.env.Env, In: os.Stdin, Out: stdout, Banner: s.banner}).Run(ctx)
		switch {
		case errors.Is(err, plain.ErrInputEndedInOption):
			fmt.Fprintln(stderr, "edge-setup:", err)
			return exitFailed
		case err == nil, errors.Is(err, plain.ErrInputEnded):
			return exitOK
		case ctx.Err() != nil:
			return exitCanceled
		}
		fmt.Fprintln(stderr, "edge-setup:", err)
		return exitFailed
	}
	o := tui.Options{Env: s.env.Env, Banner: s.banner}
	if s.demo != nil {
		o.DemoOperator, o.DemoHelp, o.DemoCloud = s.demo.Operator, s.demo.SecondShell(), s.demo.Cloud()
	}
	if g.teaRenderer {
		o.AltScreen = true
		m := tui.New(o)
		_, err := tea.NewProgram(m, tea.WithContext(ctx)).Run()
		return menuExit(ctx, m, s, err, stdout, stderr)
	}
	m := tui.New(o)
	// Frames are drawn the moment they change (tui.Screen), not on Bubble
	// Tea's frame ticker: the first menu and every key draw at once and an
	// idle screen does not wake the process (README: Performance).
	scr, err := tui.OpenScreen(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(stderr, "edge-setup: cannot use the terminal:", err, "(try --plain)")
		return exitFailed
	}
	defer scr.Close()
	w, h := scr.Size()
	// WithFPS(1): without a renderer Bubble Tea still runs its frame
	// ticker (it only flushes queued terminal queries, of which there are
	// none); at the default 60 a second it would wake the idle process.
	p := tea.NewProgram(tui.OnScreen(m, scr), tea.WithContext(ctx), tea.WithoutRenderer(), tea.WithWindowSize(w, h), tea.WithFPS(1))
	scr.WatchResize(p)
	_, err = p.Run()
	scr.Close()
	return menuExit(ctx, m, s, err, stdout, stderr)
}

// menuExit is the exit code of the menu once the screen is closed.
func menuExit(ctx context.Context, m *tui.Model, s *session, err error, stdout, stderr io.Writer) int {
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, tea.ErrInterrupted) {
		fmt.Fprintln(stderr, "edge-setup:", err)
		return exitFailed
	}
	if s.demo != nil {
		fmt.Fprintln(stdout, s.demo.Finished())
	}
	if ctx.Err() != nil || m.Interrupted() {
		return exitCanceled
	}
	return exitOK
}

func isTerminal(f *os.File) bool { return term.IsTerminal(f.Fd()) }
