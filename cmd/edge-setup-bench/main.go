// Command edge-setup-bench measures what the README quotes about
// performance, and prints it as Markdown with the command that produced it:
//
//   - the registration economy: how soon a device sees "Accepted" after the
//     operator's click and how many requests it sends to get there, for
//     steps.DefaultCadence and for fixed 1 s and 5 s pollers on the same
//     random acceptance times, plus the requests of a device left
//     unregistered for a day. Real code path (registration.Registration.Wait, the
//     tenantapi client, tenantsim over loopback HTTP), simulated clock.
//   - the cost of the console: cold start to the first menu frame and key
//     press to redraw in a pseudo-terminal, CPU and resident memory while
//     the registration screen waits, binary size.
//   - the cost of remote access: client WebSocket to the first sshd byte
//     through tenantsim and the real relay at a simulated round trip, a
//     large transfer against direct loopback TCP, the relay's CPU per MiB,
//     many sessions at once.
//
// Run it from the repository:
//
//	go run ./cmd/edge-setup-bench                    # about 2 minutes on 2 cores
//	go run ./cmd/edge-setup-bench -idle 10m -only console
//	go run ./cmd/edge-setup-bench -only remoteaccess
//	go run ./cmd/edge-setup-bench -only fleet          # 1, 10 and 50 Edges: bulk against one by one
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"
)

type options struct {
	trials int
	seed   uint64
	rtt    time.Duration
	idle   time.Duration
	only   string
	starts int
	keys   int

	raSessions, raConcurrent, raMiB int
}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	var o options
	fs := flag.NewFlagSet("edge-setup-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.trials, "trials", 1000, "simulated registrations per poller")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the operators' acceptance times")
	fs.DurationVar(&o.rtt, "rtt", 80*time.Millisecond, "round-trip time of every request, on the simulated clock")
	fs.DurationVar(&o.idle, "idle", time.Minute, "how long the registration screen waits while CPU and memory are sampled")
	fs.StringVar(&o.only, "only", "", "run only one part: economy, console, remoteaccess, databroker or fleet (fleet runs only when asked)")
	fs.IntVar(&o.starts, "starts", 20, "cold starts measured")
	fs.IntVar(&o.keys, "keys", 50, "key presses measured")
	fs.IntVar(&o.raSessions, "ra-sessions", 50, "remote access sessions timed to the first sshd byte")
	fs.IntVar(&o.raConcurrent, "ra-concurrent", 100, "remote access sessions at once")
	fs.IntVar(&o.raMiB, "ra-mib", 64, "MiB sent through the remote access tunnel")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "edge-setup-bench: measures the registration economy and the cost of the console; prints Markdown.\n\nUsage: go run ./cmd/edge-setup-bench [flags]\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 || (o.only != "" && o.only != "economy" && o.only != "console" && o.only != "remoteaccess" && o.only != "databroker" && o.only != "fleet") ||
		o.raSessions < 1 || o.raConcurrent < 1 || o.raMiB < 1 ||
		o.trials < 1 || o.rtt < 0 || o.idle <= 0 || o.starts < 1 || o.keys < 1 {
		fmt.Fprintln(stderr, "edge-setup-bench: -only is economy, console, remoteaccess, databroker or fleet; -ra-* are at least 1; -trials, -starts and -keys are at least 1; -idle is positive; -rtt is not negative")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	progress := func(s string) { fmt.Fprintln(stderr, "edge-setup-bench:", s) }

	rep := &report{Args: args, Opts: o, Machine: readMachine()}
	began := time.Now()
	if o.only == "fleet" {
		progress("fleet: 1, 10 and 50 Edges registering together, one by one and in bulk")
		rows, err := runFleetBench(ctx, []int{1, 10, 50}, scratchBase())
		if err != nil {
			fmt.Fprintln(stderr, "edge-setup-bench: fleet:", err)
			return 1
		}
		rep.Fleet = rows
	}
	if o.only == "" || o.only == "databroker" {
		progress("data broker: 10 links and a backlog of 5000 measurements")
		res, err := runDataBrokerBench(ctx, brokerConfig{Trials: 10, Interval: time.Second, Send: 100 * time.Millisecond, Backlog: 5000})
		if err != nil {
			fmt.Fprintln(stderr, "edge-setup-bench: data broker:", err)
			return 1
		}
		rep.DataBroker = res
	}
	if o.only == "" || o.only == "economy" {
		progress(fmt.Sprintf("registration economy: %d trials x 3 pollers, RTT %v, and 24 h unregistered", o.trials, o.rtt))
		cfg := economyConfig{
			Trials: o.trials, Seed: o.seed, RTT: o.rtt,
			AcceptMin: 10 * time.Second, AcceptMax: 5 * time.Minute,
			Horizon: 24 * time.Hour,
			Workers: 4 * runtime.GOMAXPROCS(0), // a trial mostly waits on loopback round trips
			Scratch: scratchBase(),
		}
		t0 := time.Now()
		stats, err := runEconomy(ctx, cfg, defaultPollers())
		if err != nil {
			fmt.Fprintln(stderr, "edge-setup-bench: registration economy:", err)
			return 1
		}
		rep.Economy, rep.EconomyConfig, rep.EconomyWall = stats, cfg, time.Since(t0)
		progress(fmt.Sprintf("registration economy took %s", round(rep.EconomyWall)))
	}
	if o.only == "" || o.only == "console" {
		dir, err := os.MkdirTemp("", "edge-setup-bench-")
		if err != nil {
			fmt.Fprintln(stderr, "edge-setup-bench:", err)
			return 1
		}
		defer os.RemoveAll(dir)
		res, err := runConsole(ctx, consoleConfig{Starts: o.starts, Keys: o.keys, Idle: o.idle, Dir: dir}, progress)
		if err != nil {
			fmt.Fprintln(stderr, "edge-setup-bench: console:", err)
			return 1
		}
		rep.Console = res
	}
	if o.only == "" || o.only == "remoteaccess" {
		dir, err := os.MkdirTemp("", "edge-setup-bench-ra-")
		if err != nil {
			fmt.Fprintln(stderr, "edge-setup-bench:", err)
			return 1
		}
		defer os.RemoveAll(dir)
		res, err := runRemoteAccess(ctx, raBenchConfig{Sessions: o.raSessions, RTT: o.rtt, Bytes: int64(o.raMiB) << 20,
			Concurrent: o.raConcurrent, Dir: dir}, progress)
		if err != nil {
			fmt.Fprintln(stderr, "edge-setup-bench: remote access:", err)
			return 1
		}
		rep.RemoteAccess = res
	}
	rep.Wall = time.Since(began)
	rep.write(stdout)
	return 0
}

// scratchBase is where trial roots go: a RAM file system when there is one,
// since the Edge's durable writes (fsync) are no part of the simulated time
// and would only make the bench slow.
func scratchBase() string {
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		if f, err := os.CreateTemp("/dev/shm", "edge-setup-bench-probe-"); err == nil {
			f.Close()
			os.Remove(f.Name())
			return "/dev/shm"
		}
	}
	return ""
}

type machine struct {
	CPU   string
	Cores int
	Go    string
	OS    string
}

func readMachine() machine {
	m := machine{CPU: "unknown CPU", Cores: runtime.NumCPU(), Go: runtime.Version(), OS: runtime.GOOS + "/" + runtime.GOARCH}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	return m
}

// commandLine is how to run this again from the repository.
func commandLine(args []string) string {
	parts := []string{"go", "run", "./" + filepath.ToSlash(filepath.Join("cmd", "edge-setup-bench"))}
	for _, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\"'$\\*?;&|<>()") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}
