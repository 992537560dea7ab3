package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// The cost of the console: the real binary, built with go build, in a
// pseudo-terminal read through a terminal emulator.

const (
	termCols, termRows = 100, 30
	menuText           = "7. Configure Edge Agent"
	menuLast           = "9. Exit"
	waitingText        = "Not accepted yet"
	stepTimeout        = 20 * time.Second
)

var demoURL = regexp.MustCompile(`tenant (http://127\.0\.0\.1:\d+)`)

type consoleConfig struct {
	Starts int           // cold starts measured
	Keys   int           // key presses measured
	Idle   time.Duration // how long the registration screen waits
	Dir    string        // scratch directory (binaries, roots)
}

type consoleResult struct {
	ColdStart  []time.Duration // process start -> first frame with the menu
	Baseline   []time.Duration // process start -> first output of a minimal Go program
	MenuRSSKB  []int           // VmRSS when the menu was first drawn
	KeyRedraw  []time.Duration // key written -> screen changed
	KeyMissing int             // presses that changed nothing within a second
	// The reference: a minimal Bubble Tea v2 program drawing a nine-line
	// list (bareprog), started and keyed alternately with edge-setup.
	BareStart  []time.Duration
	BareRedraw []time.Duration

	IdleWall   time.Duration // measured window
	IdleCPU    time.Duration // utime+stime in it
	IdleRSSMax int           // kB
	IdleRSSEnd int           // kB
	IdleRedraw int           // screen changes in the window
	IdleCPUAt  []cpuSample   // utime+stime every second of the window

	SizeDefault  int64 // go build
	SizeStripped int64 // go build -ldflags "-s -w"
	BuildCommand string
	ClockTicks   int
}

func runConsole(ctx context.Context, cfg consoleConfig, progress func(string)) (*consoleResult, error) {
	res := &consoleResult{ClockTicks: clockTicks()}
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	progress("building ./cmd/edge-setup")
	bin := filepath.Join(cfg.Dir, "edge-setup")
	stripped := filepath.Join(cfg.Dir, "edge-setup-stripped")
	if err := goBuild(root, bin); err != nil {
		return nil, err
	}
	if err := goBuild(root, stripped, "-ldflags=-s -w"); err != nil {
		return nil, err
	}
	res.BuildCommand = "go build ./cmd/edge-setup"
	for p, size := range map[string]*int64{bin: &res.SizeDefault, stripped: &res.SizeStripped} {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		*size = fi.Size()
	}
	base, err := buildBaseline(cfg.Dir)
	if err != nil {
		return nil, err
	}
	bare := filepath.Join(cfg.Dir, "bareprog")
	cmd := exec.Command("go", "build", "-o", bare, "./cmd/edge-setup-bench/bareprog")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building the Bubble Tea reference: %v\n%s", err, out)
	}

	progress(fmt.Sprintf("cold starts (%d, alternating with a minimal Go program)", cfg.Starts))
	// One unmeasured start of each warms the page cache.
	for i := -1; i < cfg.Starts; i++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		d, rss, err := coldStart(bin, cfg.Dir, i)
		if err != nil {
			return nil, err
		}
		b, err := baselineStart(base)
		if err != nil {
			return nil, err
		}
		bt, err := bareStart(bare)
		if err != nil {
			return nil, err
		}
		if i >= 0 {
			res.ColdStart = append(res.ColdStart, d)
			res.MenuRSSKB = append(res.MenuRSSKB, rss)
			res.Baseline = append(res.Baseline, b)
			res.BareStart = append(res.BareStart, bt)
		}
	}

	progress(fmt.Sprintf("key presses (%d, alternating with the Bubble Tea reference)", cfg.Keys))
	if err := keyPresses(ctx, bin, bare, cfg, res); err != nil {
		return nil, err
	}

	progress(fmt.Sprintf("registration screen waiting for %v", cfg.Idle))
	if err := idle(ctx, bin, cfg, res); err != nil {
		return nil, err
	}
	return res, nil
}

// keyPresses sends j and k in turn on the menu and on the reference's list,
// alternately, and times each redraw.
func keyPresses(ctx context.Context, bin, bare string, cfg consoleConfig, res *consoleResult) error {
	root, err := os.MkdirTemp(cfg.Dir, "root-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	tm, _, err := startTerm(termCols, termRows, []string{"TMPDIR=" + cfg.Dir}, bin, "--root", root)
	if err != nil {
		return err
	}
	defer tm.stop()
	if _, err := tm.waitFor(stepTimeout, menuText, menuLast); err != nil {
		return err
	}
	rt, _, err := startTerm(termCols, termRows, nil, bare)
	if err != nil {
		return err
	}
	defer rt.stop()
	if _, err := rt.waitFor(stepTimeout, "9. Item 9"); err != nil {
		return err
	}
	settle(tm)
	settle(rt)
	press := func(t *term, k string) (time.Duration, bool, error) {
		w := t.expect()
		sent := time.Now()
		if err := t.send(k); err != nil {
			return 0, false, err
		}
		at, err := t.wait(w, time.Second)
		settle(t)
		if err != nil {
			return 0, false, nil
		}
		return at.Sub(sent), true, nil
	}
	for i := range cfg.Keys {
		if err := ctx.Err(); err != nil {
			return err
		}
		k := "j"
		if i%2 == 1 {
			k = "k"
		}
		d, ok, err := press(tm, k)
		if err != nil {
			return err
		}
		if !ok {
			res.KeyMissing++
		} else {
			res.KeyRedraw = append(res.KeyRedraw, d)
		}
		if d, ok, err = press(rt, k); err != nil {
			return err
		} else if ok {
			res.BareRedraw = append(res.BareRedraw, d)
		}
	}
	return nil
}

// settle waits until the screen has not changed for 50 ms (at most 2 s).
func settle(tm *term) {
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		n := tm.Changes()
		time.Sleep(50 * time.Millisecond)
		if tm.Changes() == n {
			return
		}
	}
}

// idle opens option 7 of the demo without a tenant user, so the screen
// polls and waits for an acceptance that never comes, and samples the
// process meanwhile.
func idle(ctx context.Context, bin string, cfg consoleConfig, res *consoleResult) error {
	tmp, err := os.MkdirTemp(cfg.Dir, "demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	tm, _, err := startTerm(termCols, termRows, []string{"TMPDIR=" + tmp}, bin, "--demo")
	if err != nil {
		return err
	}
	defer tm.stop()
	if _, err := tm.waitFor(stepTimeout, menuText); err != nil {
		return err
	}
	m := demoURL.FindStringSubmatch(tm.Screen())
	if m == nil {
		return fmt.Errorf("no demo tenant URL on screen:\n%s", tm.Screen())
	}
	for _, s := range []struct{ send, want string }{
		{"7", "Enter cloud URL"},
		{m[1] + "\r", "Enter tenant user"},
		{"\r", "Proceed? [y/N]"},
		{"y", waitingText},
	} {
		w := tm.expect(s.want)
		if err := tm.send(s.send); err != nil {
			return err
		}
		if _, err := tm.wait(w, stepTimeout); err != nil {
			return err
		}
	}
	pid := tm.cmd.Process.Pid
	startTicks, err := readCPUTicks(pid)
	if err != nil {
		return err
	}
	startChanges := tm.Changes()
	start := time.Now()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	deadline := time.NewTimer(cfg.Idle)
	defer deadline.Stop()
sample:
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline.C:
			break sample
		case now := <-tick.C:
			if rss, err := readRSS(pid); err == nil {
				res.IdleRSSMax = max(res.IdleRSSMax, rss)
			}
			if t, err := readCPUTicks(pid); err == nil {
				res.IdleCPUAt = append(res.IdleCPUAt, cpuSample{At: now.Sub(start), Ticks: t - startTicks})
			}
		}
	}
	endTicks, err := readCPUTicks(pid)
	if err != nil {
		return err
	}
	res.IdleWall = time.Since(start)
	res.IdleCPU = res.ticks(endTicks - startTicks)
	res.IdleCPUAt = append(res.IdleCPUAt, cpuSample{At: res.IdleWall, Ticks: endTicks - startTicks})
	res.IdleRedraw = tm.Changes() - startChanges
	if res.IdleRSSEnd, err = readRSS(pid); err != nil {
		return err
	}
	res.IdleRSSMax = max(res.IdleRSSMax, res.IdleRSSEnd)
	if !strings.Contains(tm.Screen(), waitingText) {
		return fmt.Errorf("the registration screen no longer waits; it shows:\n%s", tm.Screen())
	}
	return nil
}
