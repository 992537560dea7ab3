// Command edge-setup is the post-installation console of Cumulocity IoT Edge.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/internal/demo"
	"github.com/edge-setup/edge-setup/steps/safetext"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// Exit codes (the README lists them).
const (
	exitOK          = 0
	exitFailed      = 1 // a step or command failed; the message says why
	exitUsage       = 2 // wrong flags or arguments
	exitLocked      = 3 // another edge-setup holds the lock
	exitInvalidFile = 4 // an answers file has errors; nothing was changed
	exitTimeout     = 5 // register --wait: not connected within --timeout
	exitCanceled    = 130
)

// globals are the flags every command accepts.
type globals struct {
	root    string
	demo    bool
	caCert  string
	edgeURL string
	debug   bool
	plain   bool
	// teaRenderer draws with Bubble Tea's renderer instead of tui.Screen.
	teaRenderer bool
	out         io.Writer // where help goes (stdout); not a flag
}

func (g *globals) bind(fs *flag.FlagSet) {
	fs.StringVar(&g.root, "root", "/", "root `directory`: every file the tool reads or writes is under it; commands run only when it is /")
	fs.BoolVar(&g.demo, "demo", false, "use a built-in demo tenant and a sandbox root in a temporary directory")
	fs.StringVar(&g.caCert, "ca-cert", "", "extra trusted CA certificate `file` (PEM) for the tenant; the system store and SSL_CERT_FILE keep working")
	fs.StringVar(&g.edgeURL, "edge-url", "http://localhost:8181", "the Edge's own platform API `URL` (option 6)")
	fs.BoolVar(&g.debug, "debug", false, "add redacted HTTP traces to var/log/edge-setup-debug.log under the root")
	fs.BoolVar(&g.plain, "plain", false, "plain line prompts without screen drawing (automatic when stdin or stdout is not a terminal, or TERM=dumb)")
	fs.BoolVar(&g.teaRenderer, "tea-renderer", false, "draw the menu with Bubble Tea's own renderer instead of edge-setup's screen (slower frames; try it if the screen is drawn wrong)")
}

// command is a subcommand such as "status".
type command struct {
	summary string
	run     func(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) int
}

// commands are filled in by the cmd_*.go files.
var commands = map[string]command{}

func main() {
	hardStop = true
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// hardStop: the real binary (not a test calling run) exits by force when a
// command has not stopped within stopGrace of a signal.
var hardStop bool

// stopGrace is how long a command may take to stop after SIGINT/SIGTERM.
// Every write is atomic, so a forced exit leaves files whole (a temporary
// file at worst, removed at the next start).
const stopGrace = time.Second

func run(args []string, stdout, stderr io.Writer) int {
	// The one place the commands' and plain mode's output is made safe:
	// tenant IDs, tenant error texts, URLs, file contents and even a
	// mistyped flag cannot send escape codes to the terminal (the TUI draws
	// through Bubble Tea and sanitises where outside text enters its view).
	stdout, stderr = safetext.Writer(stdout), safetext.Writer(stderr)
	var g globals
	var showVersion bool
	fs := flag.NewFlagSet("edge-setup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	g.bind(fs)
	g.out = stdout
	fs.BoolVar(&showVersion, "version", false, "print the version and exit")
	fs.Usage = func() {} // help is printed below, to stdout; a usage error is one line
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout, fs)
			return exitOK
		}
		fmt.Fprintln(stderr, "see edge-setup --help")
		return exitUsage
	}
	if showVersion {
		fmt.Fprintln(stdout, "edge-setup", version)
		return exitOK
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	finished := make(chan struct{})
	defer close(finished) // runs before stop
	go watchSignals(ctx, stop, finished, stderr)
	if fs.NArg() > 0 && fs.Arg(0) == "help" {
		if code := runHelp(fs.Args()[1:], fs, stdout, stderr); code >= 0 {
			return code
		}
		return commands[fs.Arg(1)].run(ctx, &g, []string{"--help"}, stdout, stderr)
	}
	if fs.NArg() > 0 {
		c, ok := commands[fs.Arg(0)]
		if !ok {
			fmt.Fprintf(stderr, "edge-setup: unknown command %q (see edge-setup --help)\n", fs.Arg(0))
			return exitUsage
		}
		return c.run(ctx, &g, fs.Args()[1:], stdout, stderr)
	}
	return runMenu(ctx, &g, stdout, stderr)
}

// watchSignals: after the first signal a second one gets the default action
// (it ends the process at once); a command (or the menu) that has not returned within
// stopGrace is ended with exit 130.
func watchSignals(ctx context.Context, stop func(), finished <-chan struct{}, stderr io.Writer) {
	select {
	case <-finished:
		return
	case <-ctx.Done():
	}
	stop()
	if !hardStop {
		return
	}
	select {
	case <-finished:
	case <-time.After(stopGrace):
		runExitHooks() // the terminal as it was: os.Exit runs no defers
		fmt.Fprintln(stderr, "\nedge-setup: interrupted")
		os.Exit(exitCanceled)
	}
}

// parseCommandFlags parses a subcommand's flags, the global ones included
// (so both "edge-setup --root R status" and "edge-setup status --root R" work).
func parseCommandFlags(name string, g *globals, args []string, stderr io.Writer, define func(fs *flag.FlagSet)) (*flag.FlagSet, int, bool) {
	fs := flag.NewFlagSet("edge-setup "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	before := *g
	g.bind(fs)
	// Keep values given before the command name unless repeated after it.
	*g = before
	global := map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) { global[f.Name] = true })
	if define != nil {
		define(fs)
	}
	own := map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) { own[f.Name] = !global[f.Name] })
	fs.Usage = func() {}
	help := g.out
	if help == nil {
		help = stderr
	}
	// Flags may come before or after the arguments ("apply FILE --check"):
	// the flag package stops at the first argument, so parse the rest again
	// and put the arguments back in order. "--" ends the flags.
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				commandUsage(help, name, fs, own)
				return fs, exitOK, false
			}
			fmt.Fprintf(stderr, "see edge-setup help %s\n", strings.Fields(name)[0])
			return fs, exitUsage, false
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	// Leave the arguments where fs.Args() finds them.
	_ = fs.Parse(append([]string{"--"}, positional...))
	return fs, 0, true
}

// session is what a command needs: the environment under the root, and the
// demo when --demo is set. close releases both.
type session struct {
	env    *envBundle
	banner []string
	demo   *demo.Demo // --demo only
	close  func()
}

// openSession resolves the root (starting the demo if asked) and wires the environment.
func openSession(g *globals, stdout io.Writer) (*session, error) {
	s := &session{close: func() {}}
	if g.demo {
		d, err := demo.Start(g.root, version)
		if err != nil {
			return nil, fmt.Errorf("starting the demo: %w", err)
		}
		g.root, g.edgeURL, s.banner, s.demo = d.Root(), d.EdgeURL(), d.Banner(), d
		fmt.Fprintln(stdout, d.Intro())
		// A forced exit after a signal (plain mode blocked reading a
		// line) runs no defers: the sandbox goes with the exit hooks.
		remove := addExitHook(d.RemoveSandbox)
		s.close = func() { remove(); d.Close() }
	}
	root, err := filepath.Abs(g.root)
	if err != nil {
		s.close()
		return nil, err
	}
	env, err := newEnv(root, g)
	if err != nil {
		s.close()
		return nil, err
	}
	prev := s.close
	s.env, s.close = env, func() { env.close(); prev() }
	return s, nil
}

// startSession is openSession for a command: on failure it says why on
// stderr and reports false (the command then exits with exitFailed).
func startSession(g *globals, intro, stderr io.Writer) (*session, bool) {
	s, err := openSession(g, intro)
	if err != nil {
		fmt.Fprintln(stderr, "edge-setup:", err)
		return nil, false
	}
	return s, true
}

// startLockedSession is startSession holding the root's lock, for the
// commands that change the Edge. done closes both; code is the exit code
// when it failed (ok false).
func startLockedSession(g *globals, intro, stderr io.Writer) (s *session, done func(), code int, ok bool) {
	s, ok = startSession(g, intro, stderr)
	if !ok {
		return nil, nil, exitFailed, false
	}
	unlock, err := s.env.Props.Lock()
	if err != nil {
		s.close()
		return nil, nil, lockFailed(stderr, err), false
	}
	return s, func() { unlock(); s.close() }, 0, true
}

// noArgs reports false, with the message on stderr, when a command that
// takes no arguments was given one.
func noArgs(fs *flag.FlagSet, stderr io.Writer) bool {
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return false
	}
	return true
}

// withTimeout bounds ctx to d; a d of 0 (or less) leaves it unbounded.
func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, d)
}

// lockFailed reports a failure to take the process lock: exit 3 only when
// another edge-setup holds it; anything else (a directory or a link at the
// lock path, a read-only /run) is a failure of its own, exit 1.
func lockFailed(stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, "edge-setup:", safetext.Line(err.Error()))
	var held *edgeprops.LockedError
	if errors.As(err, &held) {
		return exitLocked
	}
	return exitFailed
}
