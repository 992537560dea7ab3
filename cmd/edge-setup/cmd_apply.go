package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/answers"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/safetext"
	"github.com/edge-setup/edge-setup/tui/plain"
)

func init() {
	commands["apply"] = command{
		summary: "run options unattended from a YAML answers file (--check, --verify)",
		run:     runApply,
	}
}

// runApply checks an answers file completely (exit 4 with every problem and
// nothing changed), then runs its options in order under the lock, one line
// per sub-step, stopping at the first failure.
//
// Exit codes: 0 every option ran (and registered, if asked); 1 an option
// failed; 2 usage; 3 locked; 4 the file has problems, nothing was changed;
// 5 the registration did not connect within its timeout; 130 interrupted.
func runApply(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) int {
	var verify, check, asJSON bool
	fs, code, ok := parseCommandFlags("apply", g, args, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&verify, "verify", false, "also run the network checks of the answers (the tenant answers, the tenant user may register devices); off by default so that a tenant that is down does not block a run")
		fs.BoolVar(&check, "check", false, "check the file and print the plan; change nothing")
		fs.BoolVar(&asJSON, "json", false, "print one JSON document with one object per option (changed, unchanged or failed, and what changed) instead of the sub-steps")
	})
	if !ok {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "edge-setup apply: give one answers file: edge-setup apply [--verify] [--check] [--json] FILE.yaml (- reads standard input)")
		return exitUsage
	}
	path := fs.Arg(0)
	// The answers file is a path of this process (as any argument), not a
	// host path under --root; the files it names are. "-" reads it from
	// standard input, so that automation writes no file at all.
	data, err := readInputFile(path, 1<<20)
	if err != nil {
		fmt.Fprintf(stderr, "edge-setup apply: cannot read the answers file: %s\n", safetext.Line(err.Error()))
		return exitInvalidFile
	}
	s, ok := startSession(g, stdout, stderr)
	if !ok {
		return exitFailed
	}
	defer s.close()
	env := s.env.Env

	plan, err := answers.LoadAnswers(ctx, env, path, data, answers.CheckOptions{Verify: verify})
	if err != nil && ctx.Err() != nil {
		fmt.Fprintln(stderr, "edge-setup apply: interrupted while checking the file; nothing was changed")
		return exitCanceled
	}
	if err != nil {
		if asJSON {
			_ = writeJSON(stdout, applyReport{File: path, Options: []answers.OptionResult{}, Error: err.Error()})
		}
		return reportAnswersError(stderr, err)
	}
	for _, w := range plan.Warnings {
		fmt.Fprintf(stderr, "edge-setup apply: warning: %s: %s\n", path, w)
	}
	if check {
		printPlan(stdout, env, path, plan)
		return exitOK
	}
	var report *applyReport
	tally := &applyReport{File: path, Options: []answers.OptionResult{}}
	if asJSON {
		report = tally
		out := stdout
		defer func() { _ = writeJSON(out, report) }()
		stdout = io.Discard // the sub-steps stay in the action log
	}

	unlock, err := env.Props.Lock()
	if err != nil {
		return lockFailed(stderr, err)
	}
	defer unlock()
	// Ctrl+C stops between sub-steps (exit 130); the log records it.
	ctx, stopInt := signal.NotifyContext(ctx, os.Interrupt)
	defer stopInt()

	log := steps.NewActionLog(env)
	log.Record(0, "apply "+path, "started", "")
	err = answers.Apply(ctx, env, plan, answers.ApplyOptions{
		Start: func(st steps.Step, confirm []string) {
			fmt.Fprintf(stdout, "\n%s - %s\n", options.OptionLabel(st), st.Title(env))
			for _, l := range confirm {
				fmt.Fprintln(stdout, "  - "+l)
			}
		},
		Event: func(_ int, e steps.Event) {
			for _, l := range plain.EventLines(e) {
				fmt.Fprintln(stdout, l)
			}
		},
		Log: log,
		Result: func(r answers.OptionResult) {
			tally.add(r)
			if report == nil {
				fmt.Fprintln(stdout, resultLine(r))
			}
		},
	})
	if report != nil && err != nil {
		report.Error = err.Error()
	}
	warnActionLog(stderr, "apply", log.Err())
	var ae *answers.AnswersError
	var fe *answers.ApplyError
	switch {
	case err == nil:
		log.Record(0, "apply "+path, "completed", "")
		fmt.Fprintf(stdout, "\nDone: every option of %s ran (%s).\n", path, tally.summary())
		return exitOK
	case errors.As(err, &ae):
		log.Record(0, "apply "+path, "refused", "the file no longer fits the Edge; nothing was changed")
		return reportAnswersError(stderr, err)
	case ctx.Err() != nil:
		log.Record(0, "apply "+path, "interrupted", err.Error())
		fmt.Fprintln(stdout, "  x Stopped:", err)
		return exitCanceled
	}
	log.Record(0, "apply "+path, "failed", err.Error())
	fmt.Fprintln(stdout, "  x Stopped:", err)
	if errors.As(err, &fe) && fe.Changed {
		fmt.Fprintln(stderr, "edge-setup apply:", err, "(the options before it ran and stay applied; fix the cause and apply the file again)")
	} else {
		fmt.Fprintln(stderr, "edge-setup apply:", err)
	}
	if errors.Is(err, answers.ErrRegistrationTimeout) {
		return exitTimeout
	}
	return exitFailed
}

func planNote(po answers.PlannedOption) string {
	var notes []string
	switch {
	case po.Skip != "":
		notes = append(notes, "skipped: "+po.Skip)
	case po.Deferred:
		verb := " has run"
		if len(po.After) > 1 {
			verb = " have run"
		}
		notes = append(notes, "after option "+strings.Join(po.After, " and ")+verb+": its answers and network checks come then")
	}
	if r := po.Register; r != nil {
		what := "then register"
		if r.Create {
			what += ", creating the request"
		}
		if r.Accept {
			what += ", accepting it"
		}
		if r.Wait {
			if r.Timeout > 0 {
				what += fmt.Sprintf(", waiting up to %s", r.Timeout)
			} else {
				what += ", waiting without limit"
			}
		}
		notes = append(notes, what)
	}
	if len(notes) == 0 {
		return ""
	}
	return " (" + strings.Join(notes, "; ") + ")"
}

func reportAnswersError(stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, "edge-setup apply:", err)
	return exitInvalidFile
}

// eventLines prints a step event as plain mode does (tui/plain's UI.event).

// warnActionLog says on stderr that the action log could not be written
// (the run itself went on): apply and remote-access setup say it alike.
func warnActionLog(stderr io.Writer, command string, err error) {
	if err != nil {
		fmt.Fprintf(stderr, "edge-setup %s: warning: the action log could not be written: %v\n", command, err)
	}
}
