package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/steps"
)

// The economy simulation checked for internal consistency on a few trials.
// Nothing here depends on wall-clock speed: every time is simulated.

func smallEconomy(t *testing.T, rtt time.Duration, horizon time.Duration) []pollerStats {
	t.Helper()
	cfg := economyConfig{
		Trials: 12, Seed: 7, RTT: rtt,
		AcceptMin: 10 * time.Second, AcceptMax: 5 * time.Minute,
		Horizon: horizon, Workers: 4, Scratch: t.TempDir(),
	}
	stats, err := runEconomy(context.Background(), cfg, defaultPollers())
	if err != nil {
		t.Fatal(err)
	}
	return stats
}

// maxInterval is the longest wait between polls of a cadence.
func maxInterval(c steps.Cadence) time.Duration {
	d := c.Ceiling
	for _, p := range c.Phases {
		d = max(d, p.Interval)
	}
	return d
}

func TestEconomyIsConsistent(t *testing.T) {
	const rtt = 80 * time.Millisecond
	stats := smallEconomy(t, rtt, 30*time.Minute)
	times := acceptanceTimes(12, 7, 10*time.Second, 5*time.Minute)
	for _, s := range stats {
		for i, tr := range s.Trials {
			if !tr.Accepted || !tr.Connected {
				t.Errorf("%s trial %d: accepted %v, connected %v", s.Poller.Name, i, tr.Accepted, tr.Connected)
			}
			if tr.Requests != tr.SimRequests {
				t.Errorf("%s trial %d: the device sent %d requests, the tenant logged %d", s.Poller.Name, i, tr.Requests, tr.SimRequests)
			}
			// Without a tenant user every request until "Accepted" is a poll.
			if tr.Polls != tr.Requests {
				t.Errorf("%s trial %d: %d of %d requests were polls", s.Poller.Name, i, tr.Polls, tr.Requests)
			}
			// The device polled at t=0, so the request was pending at the click.
			if tr.AcceptedAt != times[i] {
				t.Errorf("%s trial %d: accepted at %v, the operator clicked at %v", s.Poller.Name, i, tr.AcceptedAt, times[i])
			}
			// The next poll reaches the tenant at most one interval and one
			// round trip after the click, and its answer takes half a round trip.
			if lo, hi := rtt/2, maxInterval(s.Poller.Cadence)+rtt+rtt/2; tr.Latency < lo || tr.Latency > hi {
				t.Errorf("%s trial %d: latency %v outside [%v, %v]", s.Poller.Name, i, tr.Latency, lo, hi)
			}
		}
		u := s.Unattended
		if u.Accepted || u.Requests != u.SimRequests || u.Polls != u.Requests {
			t.Errorf("%s unattended: accepted %v, sent %d, logged %d, polls %d", s.Poller.Name, u.Accepted, u.Requests, u.SimRequests, u.Polls)
		}
		// Round trips only stretch the rhythm.
		if u.Requests > s.Analytic || u.Requests == 0 {
			t.Errorf("%s unattended: %d requests, Cadence.RequestsIn says %d without round trips", s.Poller.Name, u.Requests, s.Analytic)
		}
	}
	fixed1, fixed5 := stats[1], stats[2]
	if !strings.HasPrefix(fixed1.Poller.Name, "fixed 1 s") || !strings.HasPrefix(fixed5.Poller.Name, "fixed 5 s") {
		t.Fatalf("pollers: %q, %q", fixed1.Poller.Name, fixed5.Poller.Name)
	}
	if fixed1.latency().Mean >= fixed5.latency().Mean {
		t.Errorf("fixed 1 s mean latency %.2f s, not below fixed 5 s %.2f s", fixed1.latency().Mean, fixed5.latency().Mean)
	}
	if fixed1.requests().Mean <= fixed5.requests().Mean {
		t.Errorf("fixed 1 s sent %.0f requests on average, not more than fixed 5 s %.0f", fixed1.requests().Mean, fixed5.requests().Mean)
	}
}

// Without round trips the measured count of an unattended device is
// exactly what Cadence.RequestsIn computes.
func TestUnattendedMatchesRequestsIn(t *testing.T) {
	for _, s := range smallEconomy(t, 0, 20*time.Minute) {
		if s.Unattended.Requests != s.Analytic {
			t.Errorf("%s: %d requests measured, Cadence.RequestsIn says %d", s.Poller.Name, s.Unattended.Requests, s.Analytic)
		}
	}
}

// The same seed gives the same numbers: nothing depends on real time.
func TestEconomyIsDeterministic(t *testing.T) {
	a, b := smallEconomy(t, 80*time.Millisecond, 0), smallEconomy(t, 80*time.Millisecond, 0)
	for i := range a {
		la, lb := latencies(a[i]), latencies(b[i])
		if !slices.Equal(la, lb) {
			t.Errorf("%s: latencies differ between runs:\n%v\n%v", a[i].Poller.Name, la, lb)
		}
	}
}

func latencies(s pollerStats) []time.Duration {
	out := make([]time.Duration, len(s.Trials))
	for i, tr := range s.Trials {
		out[i] = tr.Latency
	}
	return out
}

func TestPercentile(t *testing.T) {
	xs := make([]float64, 100)
	for i := range xs {
		xs[i] = float64(i + 1)
	}
	if got := percentile(xs, 0.95); got != 95 {
		t.Errorf("p95 of 1..100 = %v, want 95", got)
	}
	if got := summarize([]float64{3, 1, 2}); got.Mean != 2 || got.P95 != 3 {
		t.Errorf("summarize = %+v", got)
	}
}

func TestReportHelpers(t *testing.T) {
	for d, want := range map[time.Duration]string{24 * time.Hour: "24h", 5 * time.Minute: "5m", 10 * time.Second: "10s", 10 * time.Minute: "10m", 90 * time.Second: "1m30s"} {
		if got := short(d); got != want {
			t.Errorf("short(%v) = %q, want %q", d, got, want)
		}
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 86400: "86,400", 1234567: "1,234,567"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
	if got := commandLine([]string{"-idle", "10m", "-only", "console"}); got != "go run ./cmd/edge-setup-bench -idle 10m -only console" {
		t.Errorf("commandLine = %q", got)
	}
}
