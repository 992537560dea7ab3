package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	stepoptions "github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/registration"
	"github.com/edge-setup/edge-setup/tenantapi"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// The registration economy: how quickly a device sees "Accepted" after the
// operator clicks Accept, and how many requests it sent to get there, for
// the product's cadence and for the fixed pollers of the public SDKs.
//
// Every trial drives the real code path: steps.EdgeAgent.NewRegistration
// builds the workflow, registration.Registration.Wait polls through the real
// tenantapi client over loopback HTTP against a real tenantsim. Time is
// simulated: one clock per trial is Env.Now, tenantsim's Options.Now and
// Wait's sleep function; the round-trip time is added to it by the
// transport (half on the way out, half on the way back), so no trial ever
// sleeps for real and the results do not depend on the machine.

const (
	benchTenant    = "t1000001"
	benchBootstrap = "bench-bootstrap-secret"
)

// trialSpec is one simulated registration.
type trialSpec struct {
	Cadence  steps.Cadence
	RTT      time.Duration
	AcceptAt time.Duration // < 0: the operator never accepts
	Horizon  time.Duration // > 0: stop before sending a poll at or after this
	Scratch  string        // where the trial's root goes ("": the system's temp dir)
}

// trialResult is what one registration cost.
type trialResult struct {
	Accepted    bool          // the device saw "Accepted"
	Connected   bool          // and completed the registration
	AcceptedAt  time.Duration // when the operator's click counts
	SeenAt      time.Duration // when the poll returning credentials completed
	Latency     time.Duration // SeenAt - AcceptedAt
	Requests    int           // sent by the device until SeenAt (or the horizon)
	SimRequests int           // logged by the tenant at the same moment
	Polls       int           // POST /devicecontrol/deviceCredentials among them
	Elapsed     time.Duration // simulated time at the end
}

var errHorizon = errors.New("simulated horizon reached")

// runTrial runs one registration on its own tenant, server and clock.
func runTrial(ctx context.Context, spec trialSpec) (trialResult, error) {
	var res trialResult
	clock := newSimClock()
	sim := tenantsim.New(tenantsim.Options{TenantID: benchTenant, BootstrapPassword: benchBootstrap, Now: clock.Now})
	root, err := os.MkdirTemp(spec.Scratch, "edge-setup-bench-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(root)

	op := &operator{sim: sim, clock: clock, acceptAt: spec.AcceptAt, pendingSince: -1}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op.tick() // the click may have happened while the request travelled
		sim.ServeHTTP(w, r)
		op.tick() // or the request it waited for became pending just now
	}))
	defer srv.Close()
	base := http.DefaultTransport.(*http.Transport).Clone()
	defer base.CloseIdleConnections()
	lt := &latencyTransport{base: base, clock: clock, rtt: spec.RTT}

	cadence := spec.Cadence
	env := &steps.Env{
		Root:    root,
		Props:   edgeprops.New(root),
		Runner:  steps.NewRunner(root),
		Getenv:  func(string) string { return "" },
		Now:     clock.Now,
		Version: "bench",
		Cadence: &cadence,
		NewClient: func(baseURL string) (*tenantapi.Client, error) {
			return tenantapi.New(tenantapi.Options{BaseURL: baseURL, UserAgent: "edge-setup-bench", Timeout: 10 * time.Second, Transport: lt})
		},
	}
	cfg, err := env.Props.LoadAgentConfig()
	if err != nil {
		return res, err
	}
	cfg.BootstrapPassword = benchBootstrap
	if err := env.Props.SaveAgentConfig(cfg); err != nil {
		return res, err
	}
	reg, err := stepoptions.EdgeAgent{}.NewRegistration(env, steps.Answers{steps.KeyCloudURL: srv.URL})
	if err != nil {
		return res, err
	}
	if reg == nil {
		return res, errors.New("no registration for the cloud URL")
	}
	op.deviceID = reg.DeviceID
	if err := sim.CreateRequest(reg.DeviceID); err != nil { // the operator registers the device at t=0
		return res, err
	}

	sleep := func(ctx context.Context, d time.Duration) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if spec.Horizon > 0 && clock.Since()+d >= spec.Horizon {
			return errHorizon
		}
		clock.Advance(d)
		return nil
	}
	onUpdate := func(u registration.WaitUpdate) {
		if u.Status == registration.StatusAccepted && !res.Accepted {
			res.Accepted = true
			res.SeenAt = clock.Since()
			res.Requests = int(lt.sent.Load())
			res.SimRequests = sim.CountRequests("", "")
			res.Polls = sim.CountRequests(http.MethodPost, "/devicecontrol/deviceCredentials")
		}
	}
	conn, err := reg.Wait(ctx, onUpdate, sleep)
	res.Elapsed = clock.Since()
	op.mu.Lock()
	res.AcceptedAt = op.acceptedAt
	opErr := op.err
	op.mu.Unlock()
	if opErr != nil {
		return res, fmt.Errorf("the operator could not accept: %w", opErr)
	}
	switch {
	case spec.AcceptAt >= 0:
		if err != nil {
			return res, fmt.Errorf("registration failed: %w", err)
		}
		if !res.Accepted {
			return res, errors.New("connected without ever seeing Accepted")
		}
		res.Connected = conn != nil
		res.Latency = res.SeenAt - res.AcceptedAt
	case errors.Is(err, errHorizon):
		res.Requests = int(lt.sent.Load())
		res.SimRequests = sim.CountRequests("", "")
		res.Polls = sim.CountRequests(http.MethodPost, "/devicecontrol/deviceCredentials")
	default:
		return res, fmt.Errorf("an unaccepted device stopped polling: %v", err)
	}
	return res, nil
}

// pollers are the cadences compared, ours first.
type poller struct {
	Name    string
	Cadence steps.Cadence
}

func defaultPollers() []poller {
	return []poller{
		{"edge-setup (steps.DefaultCadence)", steps.DefaultCadence},
		{"fixed 1 s (Python SDK style)", steps.FixedCadence(time.Second)},
		{"fixed 5 s (Java agent style)", steps.FixedCadence(5 * time.Second)},
	}
}

// economyConfig is what the economy part runs.
type economyConfig struct {
	Trials    int
	Seed      uint64
	RTT       time.Duration
	AcceptMin time.Duration
	AcceptMax time.Duration
	Horizon   time.Duration // the unregistered run; 0 skips it
	Workers   int
	Scratch   string // trial roots ("": the system's temp dir)
}

// pollerStats sums up one poller.
type pollerStats struct {
	Poller     poller
	Trials     []trialResult
	Unattended trialResult // the device left unregistered for Horizon
	// Analytic is Cadence.RequestsIn(Horizon): the count without round trips.
	Analytic int
}

// acceptanceTimes draws the operator's click times: uniform in
// [min, max), the same for every poller.
func acceptanceTimes(n int, seed uint64, lo, hi time.Duration) []time.Duration {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = lo + time.Duration(rng.Int64N(int64(hi-lo)))
	}
	return out
}

// runEconomy runs every trial of every poller, in parallel (each trial has
// its own clock, so they do not interfere).
func runEconomy(ctx context.Context, cfg economyConfig, pollers []poller) ([]pollerStats, error) {
	times := acceptanceTimes(cfg.Trials, cfg.Seed, cfg.AcceptMin, cfg.AcceptMax)
	stats := make([]pollerStats, len(pollers))
	type job struct {
		p, i int // i < 0: the unattended run
		spec trialSpec
	}
	var jobs []job
	for p, pl := range pollers {
		stats[p] = pollerStats{Poller: pl, Trials: make([]trialResult, cfg.Trials)}
		if cfg.Horizon > 0 { // the long runs first, so they do not trail
			stats[p].Analytic = pl.Cadence.RequestsIn(cfg.Horizon)
			jobs = append(jobs, job{p, -1, trialSpec{Cadence: pl.Cadence, RTT: cfg.RTT, AcceptAt: -1, Horizon: cfg.Horizon, Scratch: cfg.Scratch}})
		}
	}
	slices.SortStableFunc(jobs, func(a, b job) int { // densest poller first
		return int(a.spec.Cadence.RequestsIn(cfg.Horizon) - b.spec.Cadence.RequestsIn(cfg.Horizon))
	})
	slices.Reverse(jobs)
	for i, at := range times {
		for p, pl := range pollers {
			jobs = append(jobs, job{p, i, trialSpec{Cadence: pl.Cadence, RTT: cfg.RTT, AcceptAt: at, Scratch: cfg.Scratch}})
		}
	}
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan job)
	var wg sync.WaitGroup
	var firstErr error
	var errOnce sync.Once
	for range workers {
		wg.Go(func() {
			for j := range next {
				r, err := runTrial(ctx, j.spec)
				if err != nil {
					errOnce.Do(func() {
						firstErr = fmt.Errorf("%s, trial %d: %w", pollers[j.p].Name, j.i, err)
						cancel()
					})
					continue
				}
				if j.i < 0 {
					stats[j.p].Unattended = r
				} else {
					stats[j.p].Trials[j.i] = r
				}
			}
		})
	}
feed:
	for _, j := range jobs {
		select {
		case next <- j:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return stats, ctx.Err()
}

func (ps pollerStats) latency() summary {
	xs := make([]float64, len(ps.Trials))
	for i, t := range ps.Trials {
		xs[i] = t.Latency.Seconds()
	}
	return summarize(xs)
}

func (ps pollerStats) requests() summary {
	xs := make([]float64, len(ps.Trials))
	for i, t := range ps.Trials {
		xs[i] = float64(t.Requests)
	}
	return summarize(xs)
}
