package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/edge-setup/edge-setup/steps"
)

// The thresholds the aims are checked against.
const (
	aimFewerThanFixed1s = 0.5                   // "far fewer requests": at most half the 1 s poller's
	aimDayRequests      = 5000                  // "a few thousand" in 24 h unregistered
	aimFirstFrame       = 20 * time.Millisecond // issue 12
	aimKeyRedraw        = 10 * time.Millisecond
	aimIdleCPU          = 0.01  // of one core
	aimIdleRSS          = 30e6  // bytes
	mb                  = 1e6   // MB in this report are 10^6 bytes
	kib                 = 1024. // VmRSS is in kB of 1024 bytes
)

type report struct {
	Args          []string
	Opts          options
	Machine       machine
	Wall          time.Duration
	Economy       []pollerStats
	EconomyConfig economyConfig
	EconomyWall   time.Duration
	Console       *consoleResult
	DataBroker    *brokerResult
	RemoteAccess  *raBenchResult
	Fleet         []fleetRow
}

func (r *report) write(w io.Writer) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	o := r.Opts
	p("    $ %s\n\n", commandLine(r.Args))
	p("Effective settings: `-trials %d -seed %d -rtt %v -idle %v -starts %d -keys %d`", o.trials, o.seed, o.rtt, o.idle, o.starts, o.keys)
	if o.only == "" || o.only == "remoteaccess" {
		p(" `-ra-sessions %d -ra-mib %d -ra-concurrent %d`", o.raSessions, o.raMiB, o.raConcurrent)
	}
	if o.only != "" {
		p(" `-only %s`", o.only)
	}
	p("; the run took %s.\n", round(r.Wall))
	p("Machine: %s, %d logical CPUs, %s %s. Absolute times depend on the machine: compare the rows of one run with each other.\n",
		r.Machine.CPU, r.Machine.Cores, r.Machine.Go, r.Machine.OS)
	if r.Economy != nil {
		p("\n")
		r.writeEconomy(w)
	}
	if r.Console != nil {
		p("\n")
		r.writeConsole(w)
	}
	if r.DataBroker != nil {
		p("\n")
		r.DataBroker.write(w)
	}
	if r.RemoteAccess != nil {
		p("\n")
		r.writeRemoteAccess(w)
	}
	if r.Fleet != nil {
		p("\n")
		writeFleet(w, r.Fleet)
	}
}

func (r *report) writeEconomy(w io.Writer) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	cfg := r.EconomyConfig
	p("#### Registration economy\n\n")
	p("%s operators click Accept at uniformly random moments %v to %v after the Edge starts polling (seed %d); every poller gets the same moments. "+
		"Every request takes %v round trip on a simulated clock. Real code path: `registration.Registration.Wait` and the `tenantapi` client against `tenantsim` "+
		"over loopback HTTP, the device without tenant user (the operator accepts in the tenant's UI). "+
		"Latency: from the click to the completion of the poll that returns the credentials (\"Accepted\"). Requests: sent by the device from the start of polling until then.\n\n",
		thousands(cfg.Trials), short(cfg.AcceptMin), short(cfg.AcceptMax), cfg.Seed, cfg.RTT)
	p("| Poller | Click to \"Accepted\", mean | p95 | Requests until \"Accepted\", mean | p95 | Requests in %v unregistered |\n", short(cfg.Horizon))
	p("|---|--:|--:|--:|--:|--:|\n")
	for _, s := range r.Economy {
		lat, req := s.latency(), s.requests()
		p("| %s | %.2f s | %.2f s | %.0f | %.0f | %s |\n", s.Poller.Name, lat.Mean, lat.P95, req.Mean, req.P95, thousands(s.Unattended.Requests))
	}
	ours := r.Economy[0]
	p("\n")
	for _, s := range r.Economy[1:] {
		p("edge-setup ÷ %s: latency %s (p95 %s), requests %s, %v unregistered %s.  \n", s.Poller.Name,
			ratio(ours.latency().Mean, s.latency().Mean), ratio(ours.latency().P95, s.latency().P95),
			ratio(ours.requests().Mean, s.requests().Mean), short(cfg.Horizon),
			ratio(float64(ours.Unattended.Requests), float64(s.Unattended.Requests)))
	}
	var analytic []string
	for _, s := range r.Economy {
		analytic = append(analytic, thousands(s.Analytic))
	}
	p("The %v counts are measured: every poll went over loopback on the simulated clock. `Cadence.RequestsIn(%v)`, which ignores round trips, gives %s.\n",
		short(cfg.Horizon), short(cfg.Horizon), strings.Join(analytic, " / "))

	fixed1, fixed5 := r.find("fixed 1 s"), r.find("fixed 5 s")
	p("\nAims:\n")
	if fixed5 != nil {
		ok := ours.latency().Mean < fixed5.latency().Mean && ours.latency().P95 < fixed5.latency().P95
		p("- %s faster than the fixed 5 s poller: mean %.2f s vs %.2f s, p95 %.2f s vs %.2f s.\n", mark(ok),
			ours.latency().Mean, fixed5.latency().Mean, ours.latency().P95, fixed5.latency().P95)
	}
	if fixed1 != nil {
		q := ours.requests().Mean / fixed1.requests().Mean
		p("- %s far fewer requests than the fixed 1 s poller (at most %.0f %% of them): %.0f vs %.0f, %.0f %%.\n", mark(q <= aimFewerThanFixed1s),
			aimFewerThanFixed1s*100, ours.requests().Mean, fixed1.requests().Mean, q*100)
	}
	p("- %s a device left unregistered for %v sends at most a few thousand requests (%s): %s.\n", mark(ours.Unattended.Requests <= aimDayRequests),
		short(cfg.Horizon), thousands(aimDayRequests), thousands(ours.Unattended.Requests))
}

func (r *report) find(prefix string) *pollerStats {
	for i := range r.Economy {
		if strings.HasPrefix(r.Economy[i].Poller.Name, prefix) {
			return &r.Economy[i]
		}
	}
	return nil
}

func (r *report) writeConsole(w io.Writer) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	c := r.Console
	p("#### Cost of the console\n\n")
	p("The binary of `%s` in a %dx%d pseudo-terminal, its screen read through the `charmbracelet/x/vt` emulator; times are taken when the output arrives. MB are 10^6 bytes.\n\n",
		c.BuildCommand, termCols, termRows)
	p("| Measure | Median | p95 | Aim |\n|---|--:|--:|---|\n")
	cm, c95 := durations(c.ColdStart)
	bm, b95 := durations(c.Baseline)
	p("| Cold start to the first frame with the menu (%d starts, fresh `--root`) | %s | %s | %s under %v (median) |\n",
		len(c.ColdStart), ms(cm), ms(c95), mark(cm < aimFirstFrame), short(aimFirstFrame))
	p("| Reference: a minimal Go program to its first output, same pty, alternating with the above | %s | %s | |\n", ms(bm), ms(b95))
	p("| Cold start ÷ reference | %s | | |\n", ratio(float64(cm), float64(bm)))
	tm, t95 := durations(c.BareStart)
	p("| Reference: a minimal Bubble Tea v2 program (`cmd/edge-setup-bench/bareprog`, a nine-line list) to its full list, alternating | %s | %s | |\n", ms(tm), ms(t95))
	p("| Cold start ÷ Bubble Tea reference | %s | | |\n", ratio(float64(cm), float64(tm)))
	km, k95 := durations(c.KeyRedraw)
	missing := ""
	if c.KeyMissing > 0 {
		missing = fmt.Sprintf("; %d presses changed nothing within 1 s", c.KeyMissing)
	}
	p("| Key press (`j`/`k` in turn) to the redrawn menu (%d presses%s) | %s | %s | %s under %v (median) |\n", len(c.KeyRedraw), missing, ms(km), ms(k95), mark(km < aimKeyRedraw), short(aimKeyRedraw))
	bkm, bk95 := durations(c.BareRedraw)
	p("| Reference: the same key on the Bubble Tea reference's list, alternating (%d presses) | %s | %s | |\n", len(c.BareRedraw), ms(bkm), ms(bk95))
	p("| Key press ÷ Bubble Tea reference | %s | | |\n", ratio(float64(km), float64(bkm)))
	rm, r95 := ints(c.MenuRSSKB)
	p("| Resident memory (VmRSS) at the first menu frame | %s | %s | |\n", mbytes(rm), mbytes(r95))
	p("\n")
	cpu := c.IdleCPU.Seconds() / c.IdleWall.Seconds()
	p("While the registration screen waits (`--demo`, option 7, no tenant user, polling with `steps.DefaultCadence`, sampled for %s; "+
		"the demo tenant answering the polls runs in the same process and is included):\n\n", round(c.IdleWall))
	p("| Measure | Value | Aim |\n|---|--:|---|\n")
	p("| CPU (utime+stime from /proc/<pid>/stat, %d ticks/s) | %.3f %% of a core (%s in %s) | %s well under 1 %% |\n",
		c.ClockTicks, cpu*100, c.IdleCPU, round(c.IdleWall), mark(cpu < aimIdleCPU))
	if phases := cadencePhases(steps.DefaultCadence, c.IdleWall); len(phases) > 1 {
		for _, ph := range phases {
			share, span := c.cpuBetween(ph.from, ph.to)
			if span < 30*time.Second {
				continue
			}
			p("| CPU from %v to %v (polls every %v) | %.3f %% of a core | |\n", short(ph.from), short((ph.from + span).Round(time.Second)), short(ph.every), share*100)
		}
	}
	p("| Resident memory (VmRSS, sampled every second), max | %s | %s under 30 MB |\n", mbytes(c.IdleRSSMax), mark(float64(c.IdleRSSMax)*kib < aimIdleRSS))
	p("| Resident memory at the end | %s | |\n", mbytes(c.IdleRSSEnd))
	p("| Screen changes | %s | |\n", thousands(c.IdleRedraw))
	p("\nBinary size: %s (`go build ./cmd/edge-setup`), %s stripped (`go build -ldflags=\"-s -w\" ./cmd/edge-setup`).\n",
		bytesMB(c.SizeDefault), bytesMB(c.SizeStripped))
}

type phase struct{ from, to, every time.Duration }

// cadencePhases cuts [0, end) where the cadence changes its interval.
func cadencePhases(c steps.Cadence, end time.Duration) []phase {
	var out []phase
	from := time.Duration(0)
	for _, ph := range c.Phases {
		if from >= end {
			return out
		}
		out = append(out, phase{from, min(ph.Until, end), ph.Interval})
		from = ph.Until
	}
	if from < end {
		out = append(out, phase{from, end, c.Ceiling})
	}
	return out
}

func mark(ok bool) string {
	if ok {
		return "✅"
	}
	return "❌"
}

func ratio(a, b float64) string {
	if b == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

func mbytes(kb int) string { return fmt.Sprintf("%.1f MB", float64(kb)*kib/mb) }

func bytesMB(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/mb) }

func round(d time.Duration) time.Duration { return d.Round(100 * time.Millisecond) }

// short writes 24h0m0s as 24h and 5m0s as 5m.
func short(d time.Duration) string {
	s := d.String()
	for _, z := range []string{"0s", "0m"} {
		if strings.HasSuffix(s, "m"+z) || strings.HasSuffix(s, "h"+z) {
			s = strings.TrimSuffix(s, z)
		}
	}
	return s
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
