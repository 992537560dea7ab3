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
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/term"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/tenantapi"
	"github.com/edge-setup/edge-setup/tui"
	"github.com/edge-setup/edge-setup/tui/plain"
)

func isTerminal(f *os.File) bool { return term.IsTerminal(f.Fd()) }

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// Exit codes (documented in the README).
const (
	exitOK       = 0
	exitFailed   = 1
	exitUsage    = 2
	exitLocked   = 3
	exitCanceled = 130
)

type config struct {
	root    string
	demo    bool
	caCert  string
	edgeURL string
	debug   bool
	version bool
	plain   bool
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	var cfg config
	fs := flag.NewFlagSet("edge-setup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.root, "root", "/", "root `directory`: every file the tool reads or writes is under it; commands run only when it is /")
	fs.BoolVar(&cfg.demo, "demo", false, "run against a built-in demo tenant with a sandbox root in a temporary directory")
	fs.StringVar(&cfg.caCert, "ca-cert", "", "extra trusted CA certificate `file` (PEM) for the tenant; the system store and SSL_CERT_FILE keep working")
	fs.StringVar(&cfg.edgeURL, "edge-url", "http://localhost:8181", "the Edge's own platform API `URL` (option 6)")
	fs.BoolVar(&cfg.debug, "debug", false, "write redacted HTTP traces to var/log/edge-setup-debug.log under the root")
	fs.BoolVar(&cfg.version, "version", false, "print the version and exit")
	fs.BoolVar(&cfg.plain, "plain", false, "plain line prompts without screen drawing (automatic when stdin or stdout is not a terminal, or TERM=dumb)")
	fs.Usage = func() { usage(fs) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if cfg.version {
		fmt.Fprintln(stdout, "edge-setup", version)
		return exitOK
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "edge-setup: unknown argument %q (see edge-setup --help)\n", fs.Arg(0))
		return exitUsage
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGHUP)
	defer stop()

	var banner []string
	if cfg.demo {
		d, err := startDemo(cfg.root)
		if err != nil {
			fmt.Fprintln(stderr, "edge-setup: starting the demo:", err)
			return exitFailed
		}
		defer d.Close()
		cfg.root, cfg.edgeURL, banner = d.root, d.url, d.banner()
		fmt.Fprintln(stdout, d.intro())
	}
	root, err := filepath.Abs(cfg.root)
	if err != nil {
		fmt.Fprintln(stderr, "edge-setup:", err)
		return exitUsage
	}
	env, closeEnv, err := newEnv(root, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "edge-setup:", err)
		return exitFailed
	}
	defer closeEnv()

	unlock, err := env.Props.Lock()
	if err != nil {
		fmt.Fprintln(stderr, "edge-setup:", err)
		return exitLocked
	}
	defer unlock()

	if cfg.plain || !isTerminal(os.Stdin) || !isTerminal(os.Stdout) || os.Getenv("TERM") == "dumb" {
		ctx, stopInt := signal.NotifyContext(ctx, os.Interrupt)
		defer stopInt()
		err := plain.New(plain.Options{Env: env, In: os.Stdin, Out: stdout, Banner: banner}).Run(ctx)
		switch {
		case err == nil:
		case errors.Is(err, plain.ErrInputEnded):
			return exitOK
		case ctx.Err() != nil:
			return exitCanceled
		default:
			fmt.Fprintln(stderr, "edge-setup:", err)
			return exitFailed
		}
	} else {
		m := tui.New(tui.Options{Env: env, Banner: banner, AltScreen: true})
		p := tea.NewProgram(m, tea.WithContext(ctx))
		if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, tea.ErrInterrupted) {
			fmt.Fprintln(stderr, "edge-setup:", err)
			return exitFailed
		}
	}
	if cfg.demo {
		fmt.Fprintln(stdout, "Demo finished; its sandbox root was", root)
	}
	if ctx.Err() != nil {
		return exitCanceled
	}
	return exitOK
}

// newEnv wires the steps' environment for a root directory.
func newEnv(root string, cfg config) (*steps.Env, func(), error) {
	var debug io.Writer
	closeFn := func() {}
	if cfg.debug {
		path := filepath.Join(root, "var/log/edge-setup-debug.log")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, nil, err
		}
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			return nil, nil, err
		}
		debug, closeFn = f, func() { f.Close() }
	}
	env := &steps.Env{
		Root:    root,
		Props:   edgeprops.New(root),
		Runner:  steps.NewRunner(root),
		Getenv:  os.Getenv,
		Now:     time.Now,
		Version: version,
		EdgeURL: cfg.edgeURL,
		NewClient: func(baseURL string) (*tenantapi.Client, error) {
			return tenantapi.New(tenantapi.Options{
				BaseURL:    baseURL,
				CACertFile: cfg.caCert,
				UserAgent:  "edge-setup/" + version,
				Debug:      debug,
			})
		},
	}
	return env, closeFn, nil
}

func usage(fs *flag.FlagSet) {
	out := fs.Output()
	fmt.Fprint(out, `edge-setup: the post-installation console of Cumulocity IoT Edge.

Usage:
  edge-setup [flags]          the menu (run as root on the Edge)
  edge-setup --demo           try it with a built-in demo tenant and a sandbox root

Flags:
`)
	fs.PrintDefaults()
}
