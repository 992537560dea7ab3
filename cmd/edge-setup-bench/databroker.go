package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"slices"
	"time"

	"github.com/edge-setup/edge-setup/tenantapi"
	wire "github.com/edge-setup/edge-setup/tenantapi/databroker"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// The Data Broker part: two tenantsims over loopback HTTP (the Edge's
// platform and the cloud), the Edge's forwarding with the demo's settings
// (a round every second), a device sending a measurement every 100 ms.
// Measured: time from accepting the data subscription (the PUT's answer)
// to the first forwarded measurement visible in the cloud tenantsim, and
// forwarded measurements per second for a backlog. Simulated on both
// ends: a sanity figure for the demo broker, not a platform claim.

type brokerConfig struct {
	Trials   int
	Interval time.Duration // the broker's round
	Send     time.Duration // the device's measurement interval
	Backlog  int
}

type brokerResult struct {
	Config     brokerConfig
	Latencies  []time.Duration
	OpTrips    []time.Duration // operation created in the cloud -> SUCCESSFUL seen there
	Backlog    int
	BacklogFor time.Duration
}

func runDataBrokerBench(ctx context.Context, cfg brokerConfig) (*brokerResult, error) {
	res := &brokerResult{Config: cfg}
	for i := range cfg.Trials {
		last := i == cfg.Trials-1
		lat, op, n, d, err := brokerTrial(ctx, cfg, last)
		if err != nil {
			return nil, err
		}
		res.Latencies, res.OpTrips = append(res.Latencies, lat), append(res.OpTrips, op)
		if last {
			res.Backlog, res.BacklogFor = n, d
		}
	}
	return res, nil
}

const benchBoot, benchPW = "bench-boot-1", "bench-pass-1"

// brokerTrial links one connector and returns the acceptance-to-first-
// measurement time and an operation's round trip from the cloud; with
// backlog it also forwards cfg.Backlog measurements.
func brokerTrial(ctx context.Context, cfg brokerConfig, backlog bool) (time.Duration, time.Duration, int, time.Duration, error) {
	roles := append(tenantsim.AllRoles(), tenantsim.BrokerRoles()...)
	cloud := tenantsim.New(tenantsim.Options{BootstrapPassword: benchBoot, Users: []tenantsim.User{{Name: "admin", Password: benchPW, Roles: roles}}})
	edge := tenantsim.New(tenantsim.Options{TenantID: "edge", DomainName: "edge.bench", Users: []tenantsim.User{{Name: "admin", Password: benchPW, Roles: roles}}})
	cs, es := httptest.NewServer(cloud), httptest.NewServer(edge)
	defer es.Close()
	defer cs.Close()
	dev := edge.AddManagedObject("admin", map[string]any{"name": "pump", "c8y_IsDevice": map[string]any{}})
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	brokerDone := make(chan struct{})
	go func() {
		defer close(brokerDone)
		_ = edge.RunBroker(ctx, tenantsim.BrokerOptions{BootstrapPassword: benchBoot, Interval: cfg.Interval})
	}()
	defer func() { cancel(); <-brokerDone }()
	sendCtx, stopSending := context.WithCancel(ctx)
	sendDone := make(chan struct{})
	go func() {
		defer close(sendDone)
		t := time.NewTicker(cfg.Send)
		defer t.Stop()
		for {
			select {
			case <-sendCtx.Done():
				return
			case <-t.C:
				_, _ = edge.CreateMeasurement(dev, "c8y_T", map[string]any{"c8y_T": map[string]any{"T": map[string]any{"value": 1}}})
			}
		}
	}()
	defer func() { stopSending(); <-sendDone }()

	api := func(url string) *tenantapi.Client { c, _ := tenantapi.New(tenantapi.Options{BaseURL: url}); return c }
	ec := &wire.Client{API: api(es.URL), As: tenantapi.Credentials{Tenant: "edge", User: "admin", Password: benchPW}}
	dc := &wire.Destination{API: api(cs.URL), As: tenantapi.Credentials{Tenant: cloud.TenantID(), User: "admin", Password: benchPW}}
	c, err := ec.Create(ctx, wire.NewConnector{Name: "bench", InstanceURL: cs.URL, Filters: []wire.Filter{{APIs: []string{wire.APIMeasurement}}}})
	if err != nil {
		return 0, 0, 0, 0, err
	}
	if err := dc.Subscribe(ctx, c.Code); err != nil {
		return 0, 0, 0, 0, err
	}
	if err := waitCond(ctx, 30*time.Second, func() bool {
		s, err := dc.Subscription(ctx, c.Code)
		return err == nil && s.Status == tenantapi.StatusPendingAcceptance
	}); err != nil {
		return 0, 0, 0, 0, errors.New("the subscription never became pending")
	}
	if err := dc.Accept(ctx, c.Code); err != nil {
		return 0, 0, 0, 0, err
	}
	accepted := time.Now()
	if err := waitCond(ctx, 30*time.Second, func() bool { return len(cloud.Measurements(tenantsim.Filter{})) > 0 }); err != nil {
		return 0, 0, 0, 0, errors.New("no measurement was forwarded")
	}
	lat := time.Since(accepted)
	op, err := operationTrip(ctx, cloud, edge, dev, dc)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	if !backlog {
		return lat, op, 0, 0, nil
	}
	stopSending()
	<-sendDone
	// Let the forwarding catch up: no change in the cloud over three rounds.
	for n, still := -1, 0; still < 3; {
		select {
		case <-ctx.Done():
			return 0, 0, 0, 0, ctx.Err()
		case <-time.After(cfg.Interval):
		}
		m := len(cloud.Measurements(tenantsim.Filter{}))
		if m == n {
			still++
		} else {
			n, still = m, 0
		}
	}
	before := len(cloud.Measurements(tenantsim.Filter{}))
	for range cfg.Backlog {
		if _, err := edge.CreateMeasurement(dev, "c8y_T", map[string]any{"c8y_T": map[string]any{"T": map[string]any{"value": 2}}}); err != nil {
			return 0, 0, 0, 0, err
		}
	}
	t0 := time.Now()
	if err := waitCond(ctx, 5*time.Minute, func() bool { return len(cloud.Measurements(tenantsim.Filter{})) >= before+cfg.Backlog }); err != nil {
		return 0, 0, 0, 0, errors.New("the backlog was not forwarded within 5 minutes")
	}
	return lat, op, cfg.Backlog, time.Since(t0), nil
}

func waitCond(ctx context.Context, limit time.Duration, cond func() bool) error {
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			return errors.New("timed out")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	return nil
}

func (r *brokerResult) write(w io.Writer) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	cfg := r.Config
	lats := slices.Sorted(slices.Values(r.Latencies))
	var sum time.Duration
	for _, l := range lats {
		sum += l
	}
	p("#### Data Broker (demo broker, simulated on both ends)\n\n")
	p("%d links: an Edge tenantsim and a cloud tenantsim over loopback HTTP, the Edge's forwarding with the demo's settings (a round every %v, at most 500 records per API and round), "+
		"a device sending a measurement every %v. From accepting the data subscription (the answer to the PUT) to the first forwarded measurement in the cloud tenantsim; "+
		"then a backlog of %d measurements created at once on the Edge.\n\n", cfg.Trials, cfg.Interval, cfg.Send, r.Backlog)
	p("| measure | value |\n|---|--:|\n")
	p("| accepted to first measurement in the cloud, mean | %.2f s |\n", (sum / time.Duration(len(lats))).Seconds())
	p("| min / max | %.2f s / %.2f s |\n", lats[0].Seconds(), lats[len(lats)-1].Seconds())
	ops := slices.Sorted(slices.Values(r.OpTrips))
	var opSum time.Duration
	for _, o := range ops {
		opSum += o
	}
	p("| operation created in the cloud to SUCCESSFUL seen there (the Edge's device answering at once), mean | %.2f s |\n", (opSum / time.Duration(len(ops))).Seconds())
	p("| min / max | %.2f s / %.2f s |\n", ops[0].Seconds(), ops[len(ops)-1].Seconds())
	if r.BacklogFor > 0 {
		p("| forwarded measurements per second (backlog of %d) | %.0f |\n", r.Backlog, float64(r.Backlog)/r.BacklogFor.Seconds())
	}
}
