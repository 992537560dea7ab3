package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/diagnose"
)

func init() {
	commands["diagnose"] = command{
		summary: "check DNS, proxy, TCP, TLS, HTTP and the clock against the tenant (--url, --json); exit 1 if a check fails",
		run:     runDiagnose,
	}
}

// runDiagnose runs diagnose.Diagnose: read-only, without the lock. Exit 0 when
// no check failed (warnings allowed), 1 otherwise, 2 on usage errors.
func runDiagnose(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) int {
	var asJSON bool
	var tenantURL string
	fs, code, ok := parseCommandFlags("diagnose", g, args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&tenantURL, "url", "", "the tenant `URL` to check; default: the configured one (option 7)")
		fs.BoolVar(&asJSON, "json", false, "print the checks as JSON: {\"schema\":1,\"failed\":bool,\"checks\":[{\"name\",\"status\",\"detail\",\"fix\"}]}")
	})
	if !ok {
		return code
	}
	if !noArgs(fs, stderr) {
		return exitUsage
	}
	intro := stdout
	if asJSON {
		intro = io.Discard
	}
	s, ok := startSession(g, intro, stderr)
	if !ok {
		return exitFailed
	}
	defer s.close()

	var emit steps.Emit
	if !asJSON {
		emit = diagnosePrinter(stdout)
	}
	checks := diagnose.Diagnose(ctx, s.env.Env, tenantURL, emit)
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "edge-setup diagnose: interrupted")
		return exitCanceled
	}
	failed := diagnose.ChecksFailed(checks)
	if asJSON {
		if err := writeJSON(stdout, struct {
			// "schema" as in status --json: consumers can tell versions apart.
			Schema int              `json:"schema"`
			Failed bool             `json:"failed"`
			Checks []diagnose.Check `json:"checks"`
		}{diagnoseSchema, failed, checks}); err != nil {
			fmt.Fprintln(stderr, "edge-setup diagnose:", err)
			return exitFailed
		}
	} else {
		fmt.Fprintln(stdout, diagnoseSummary(checks))
	}
	if failed {
		return exitFailed
	}
	return exitOK
}

// diagnoseSchema is the version of diagnose --json's object.
const diagnoseSchema = 1

// diagnosePrinter prints each check as it finishes, with its fix below.

func diagnosePrinter(w io.Writer) steps.Emit {
	var mu sync.Mutex
	return func(e steps.Event) {
		mu.Lock()
		defer mu.Unlock()
		sym := map[steps.EventKind]string{steps.SubStepDone: "✓", steps.Warning: "!", steps.SubStepFailed: "✗", steps.SubStepSkipped: "–"}
		switch e.Kind {
		case steps.SubStepDone, steps.Warning, steps.SubStepFailed, steps.SubStepSkipped:
			fmt.Fprintf(w, "%s %-13s %s\n", sym[e.Kind], e.Name, e.Detail)
		case steps.Info:
			fmt.Fprintf(w, "  %-13s fix: %s\n", "", e.Detail)
		}
	}
}

func diagnoseSummary(checks []diagnose.Check) string {
	var fails, warns []string
	for _, c := range checks {
		switch c.Status {
		case diagnose.CheckFail:
			fails = append(fails, c.Name)
		case diagnose.CheckWarn:
			warns = append(warns, c.Name)
		}
	}
	switch {
	case len(fails) > 0:
		return fmt.Sprintf("\nFailed: %s. Follow the fix under the first failed check, then run edge-setup diagnose again.", strings.Join(fails, ", "))
	case len(warns) > 0:
		return fmt.Sprintf("\nThe tenant is reachable; read the warnings: %s.", strings.Join(warns, ", "))
	}
	return "\nThe tenant is reachable: every check passed."
}
