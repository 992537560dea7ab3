package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/diagnose"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/remoteaccess"
	"github.com/edge-setup/edge-setup/steps/safetext"
	"github.com/edge-setup/edge-setup/tenantapi"
	"github.com/edge-setup/edge-setup/tui/plain"
)

func init() {
	commands["remote-access"] = command{
		summary: "SSH through the tenant: setup | check [--json] | serve | connect | allow | deny | allowed",
		run:     runRemoteAccess,
	}
}

const remoteAccessUsage = `usage: edge-setup [flags] remote-access COMMAND
  setup              set up option S with plain prompts (or use apply with "option: S")
  check [--json]     the checks and the proof; exit 0 only when SSH through the tenant works
  serve [--max-sessions N] [--poll D]
                     the relay: answers c8y_RemoteAccessConnect until SIGTERM (one log line per
                     session); each session runs in its own process and outlives a restart
  connect [--listen ADDR] [--stdio]
                     a local port (or stdin/stdout) through the tenant to this Edge's sshd
  allow HOST:PORT    let the relay connect there (it connects nowhere else)
  deny HOST:PORT     take that back
  allowed            list what the relay may connect to
The tenant user for check and connect comes from C8Y_USER, C8Y_PASSWORD (and C8Y_TENANT).`

func runRemoteAccess(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, remoteAccessUsage)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	switch args[0] {
	case "setup":
		return raSetup(ctx, g, args[1:], stdout, stderr)
	case "check":
		return raCheck(ctx, g, args[1:], stdout, stderr)
	case "serve":
		return raServe(ctx, g, args[1:], stdout, stderr)
	case "connect":
		return raConnect(ctx, g, args[1:], stdout, stderr)
	case "allow", "deny":
		return raAllow(g, args[0], args[1:], stdout, stderr)
	case "allowed":
		return raAllowed(g, args[1:], stdout, stderr)
	case "session":
		return raSession(ctx, g, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprintln(stdout, remoteAccessUsage)
		return exitOK
	}
	fmt.Fprintf(stderr, "edge-setup remote-access: unknown command %q\n%s\n", args[0], remoteAccessUsage)
	return exitUsage
}

func raSetup(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) int {
	fs, code, ok := parseCommandFlags("remote-access setup", g, args, stderr, nil)
	if !ok {
		return code
	}
	if !noArgs(fs, stderr) {
		return exitUsage
	}
	s, done, code, ok := startLockedSession(g, stdout, stderr)
	if !ok {
		return code
	}
	defer done()
	ui := plain.New(plain.Options{Env: s.env.Env, In: os.Stdin, Out: stdout})
	err := ui.RunStep(ctx, options.RemoteAccess{})
	warnActionLog(stderr, "remote-access setup", ui.ActionLogErr())
	switch {
	case err == nil:
		return exitOK
	case ctx.Err() != nil:
		return exitCanceled
	}
	return exitFailed
}

// raUser is the tenant user of check and connect (C8Y_USER, C8Y_PASSWORD,
// C8Y_TENANT); nil, said on stderr, when it is not set.
func raUser(fs *flag.FlagSet, env *steps.Env, stderr io.Writer) *tenantapi.Credentials {
	user := options.RemoteAccessUser(env)
	if user == nil {
		fmt.Fprintln(stderr, fs.Name()+": set C8Y_USER and C8Y_PASSWORD (and C8Y_TENANT if needed) to a tenant user with ROLE_REMOTE_ACCESS_ADMIN")
	}
	return user
}

// raCheckJSON is the stable output of check --json.
type raCheckJSON struct {
	Schema int              `json:"schema"`
	OK     bool             `json:"ok"`
	Checks []diagnose.Check `json:"checks"`
	Proof  *struct {
		Banner          string  `json:"banner"`
		AttachedSeconds float64 `json:"attachedSeconds"`
		TotalSeconds    float64 `json:"totalSeconds"`
		HostKey         string  `json:"hostKey"`
	} `json:"proof,omitempty"`
	Broken *struct {
		Link   string `json:"link"`
		Detail string `json:"detail"`
		Fix    string `json:"fix,omitempty"`
	} `json:"broken,omitempty"`
	Error string `json:"error,omitempty"`
}

func raCheck(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) int {
	var asJSON bool
	var timeout time.Duration
	fs, code, ok := parseCommandFlags("remote-access check", g, args, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&asJSON, "json", false, "print the result as JSON (schema 1)")
		fs.DurationVar(&timeout, "timeout", 60*time.Second, "bound the whole check to this `duration`")
	})
	if !ok {
		return code
	}
	if !noArgs(fs, stderr) {
		return exitUsage
	}
	s, ok := startSession(g, io.Discard, stderr)
	if !ok {
		return exitFailed
	}
	defer s.close()
	user := raUser(fs, s.env.Env, stderr)
	if user == nil {
		return exitUsage
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	out := raCheckJSON{Schema: 1, Checks: []diagnose.Check{}}
	emit := func(e steps.Event) {
		if !asJSON {
			for _, l := range plain.EventLines(e) {
				fmt.Fprintln(stdout, l)
			}
		}
		st := map[steps.EventKind]diagnose.CheckStatus{steps.SubStepDone: diagnose.CheckOK, steps.SubStepFailed: diagnose.CheckFail,
			steps.SubStepSkipped: diagnose.CheckSkipped, steps.Warning: diagnose.CheckWarn}
		if s, ok := st[e.Kind]; ok {
			out.Checks = append(out.Checks, diagnose.Check{Name: e.Name, Status: s, Detail: e.Detail})
		}
	}
	proof, err := options.CheckRemoteAccess(ctx, s.env.Env, *user, emit)
	if proof != nil {
		out.OK = true
		out.Proof = &struct {
			Banner          string  `json:"banner"`
			AttachedSeconds float64 `json:"attachedSeconds"`
			TotalSeconds    float64 `json:"totalSeconds"`
			HostKey         string  `json:"hostKey"`
		}{safetext.Line(proof.Banner), proof.Attached.Seconds(), proof.Total.Seconds(), proof.HostKey}
	}
	var b *remoteaccess.Broken
	if errors.As(err, &b) {
		out.Broken = &struct {
			Link   string `json:"link"`
			Detail string `json:"detail"`
			Fix    string `json:"fix,omitempty"`
		}{b.Link, b.Detail, b.Fix}
	}
	if err != nil {
		out.Error = err.Error()
	}
	if asJSON {
		_ = writeJSON(stdout, out)
	} else if err != nil && !errors.As(err, &b) {
		fmt.Fprintln(stdout, "  x "+err.Error())
	}
	if out.OK {
		return exitOK
	}
	if ctx.Err() != nil && errors.Is(ctx.Err(), context.Canceled) {
		return exitCanceled
	}
	return exitFailed
}

func raServe(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) int {
	var poll time.Duration
	var maxSessions int
	fs, code, ok := parseCommandFlags("remote-access serve", g, args, stderr, func(fs *flag.FlagSet) {
		fs.DurationVar(&poll, "poll", remoteaccess.DefaultPoll, "REST polling `interval` while real-time notifications do not work (at least 1s)")
		fs.IntVar(&maxSessions, "max-sessions", remoteaccess.DefaultMaxSessions, "sessions open at once; more end FAILED \"busy\"")
	})
	if !ok {
		return code
	}
	if !noArgs(fs, stderr) {
		return exitUsage
	}
	if poll < remoteaccess.MinPoll {
		fmt.Fprintf(stderr, "edge-setup remote-access serve: --poll %s is shorter than %s: the tenant would be asked too often (nothing was started)\n", poll, remoteaccess.MinPoll)
		return exitUsage
	}
	if maxSessions < 1 || maxSessions > 10000 {
		fmt.Fprintln(stderr, "edge-setup remote-access serve: --max-sessions takes a number from 1 to 10000")
		return exitUsage
	}
	if g.demo {
		fmt.Fprintln(stderr, "edge-setup remote-access serve: the demo runs its own relay; run serve with --root on a registered Edge")
		return exitUsage
	}
	s, ok := startSession(g, io.Discard, stderr)
	if !ok {
		return exitFailed
	}
	defer s.close()
	line := func(l string) { fmt.Fprintf(stdout, "%s %s\n", time.Now().UTC().Format(time.RFC3339), l) }
	spawner := &sessionSpawner{root: s.env.Props.Root()}
	spawner.ready()
	defer spawner.close()
	err := remoteaccess.RunRelay(ctx, remoteaccess.ServeOptions{Props: s.env.Props, NewClient: s.env.NewClient, Log: line, Poll: poll,
		MaxSessions: maxSessions, Spawn: spawner.spawn,
		Ready: func(e *remoteaccess.Edge, how string) {
			line(fmt.Sprintf("relay ready for device %s (managed object %s) at %s, through %s",
				safetext.Line(e.DeviceID), safetext.Line(e.MOID), safetext.Line(e.URL), how))
		}})
	if err != nil {
		line("relay stopped: " + err.Error())
		return exitFailed
	}
	if ctx.Err() != nil {
		line("relay stopped (open sessions go on in their own processes)")
		return exitCanceled
	}
	line("relay stopped")
	return exitOK
}
