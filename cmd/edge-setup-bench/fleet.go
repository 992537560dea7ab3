package main

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/answers"
	"github.com/edge-setup/edge-setup/steps/registration"
	"github.com/edge-setup/edge-setup/tenantapi"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// The fleet part: N Edges register with one tenantsim over loopback HTTP at
// the same time, through answers.Apply (option 7 with register), real time,
// every Edge polling every fleetPoll. One by one: each Edge has the tenant
// user and creates and accepts its own request. Bulk: the Edges have only
// the bootstrap password; a controller uploads one CSV (register --bulk)
// and, once every request is pending, accepts them (register --bulk
// --accept). Measured: wall time until every Edge is connected, and the
// requests the tenant received (all, and those of the tenant user).

const fleetPoll = 100 * time.Millisecond

type fleetRow struct {
	N, Requests, UserRequests int
	Mode                      string
	Wall                      time.Duration
}

func runFleetBench(ctx context.Context, sizes []int, scratch string) ([]fleetRow, error) {
	var rows []fleetRow
	for _, n := range sizes {
		for _, bulk := range []bool{false, true} {
			row, err := fleetTrial(ctx, n, bulk, scratch)
			if err != nil {
				return nil, err
			}
			rows = append(rows, row)
		}
	}
	return rows, nil
}

func fleetTrial(ctx context.Context, n int, bulk bool, scratch string) (fleetRow, error) {
	const user = "fleet-admin"
	sim := tenantsim.New(tenantsim.Options{TenantID: "t100", BootstrapPassword: benchBoot,
		Users: []tenantsim.User{{Name: user, Password: benchPW, Roles: tenantsim.AllRoles()}}})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	dir, err := os.MkdirTemp(scratch, "edge-setup-bench-fleet-")
	if err != nil {
		return fleetRow{}, err
	}
	defer os.RemoveAll(dir)
	vars := map[string]string{}
	if !bulk {
		vars["C8Y_USER"], vars["C8Y_PASSWORD"] = user, benchPW
	}
	register := "{wait: true, timeout: 5m}"
	if !bulk {
		register = "{wait: true, timeout: 5m, create: true, accept: true}"
	}
	file := []byte("options:\n  - option: 7\n    answers:\n      cloud_url: " + srv.URL + "\n      tenant_user: \"\"\n    register: " + register + "\n")
	cadence := steps.Cadence{Phases: []steps.CadencePhase{{Until: time.Hour, Interval: fleetPoll}}, Ceiling: fleetPoll, RetryMin: fleetPoll, RetryMax: fleetPoll}
	envs := make([]*steps.Env, n)
	ids := make([]string, n)
	for i := range envs {
		root := filepath.Join(dir, fmt.Sprintf("edge-%03d", i))
		env := &steps.Env{Root: root, Props: edgeprops.New(root), Runner: steps.NewRunner(root), Getenv: func(k string) string { return vars[k] },
			Now: time.Now, Version: "bench", Cadence: &cadence,
			NewClient: func(u string) (*tenantapi.Client, error) { return tenantapi.New(tenantapi.Options{BaseURL: u}) }}
		cfg, err := env.Props.LoadAgentConfig()
		if err != nil {
			return fleetRow{}, err
		}
		cfg.BootstrapPassword = benchBoot
		if err := env.Props.SaveAgentConfig(cfg); err != nil {
			return fleetRow{}, err
		}
		if ids[i], _, err = env.Props.DeviceID(); err != nil {
			return fleetRow{}, err
		}
		envs[i] = env
	}
	start := time.Now()
	errs := make(chan error, n+1)
	var wg sync.WaitGroup
	for _, env := range envs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			plan, err := answers.LoadAnswers(ctx, env, "fleet.yaml", file, answers.CheckOptions{})
			if err == nil {
				err = answers.Apply(ctx, env, plan, answers.ApplyOptions{})
			}
			errs <- err
		}()
	}
	if bulk {
		wg.Add(1)
		go func() { defer wg.Done(); errs <- bulkController(ctx, sim, srv.URL, user, ids) }()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return fleetRow{}, err
		}
	}
	row := fleetRow{N: n, Mode: "one by one", Wall: time.Since(start)}
	if bulk {
		row.Mode = "bulk"
	}
	for _, r := range sim.Requests() {
		row.Requests++
		if strings.HasSuffix(r.User, user) {
			row.UserRequests++
		}
	}
	return row, nil
}

// bulkController is what the Ansible role does on the controller: one
// upload, then, once every request is pending, one upload with --accept.
func bulkController(ctx context.Context, sim *tenantsim.Sim, url, user string, ids []string) error {
	client, err := tenantapi.New(tenantapi.Options{BaseURL: url})
	if err != nil {
		return err
	}
	cr := tenantapi.Credentials{User: user, Password: benchPW}
	csv := []byte("ID;PATH\n" + strings.Join(ids, ";\n") + ";\n")
	if _, err := registration.BulkRegister(ctx, client, cr, csv, false); err != nil {
		return err
	}
	for _, id := range ids { // the controller learns this from the play; the bench asks the sim
		for {
			if st, _ := sim.RequestStatus(id); st == tenantsim.StatusPending {
				break
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(fleetPoll):
			}
		}
	}
	devices, err := registration.BulkRegister(ctx, client, cr, csv, true)
	for _, d := range devices {
		if err == nil && d.Outcome != registration.BulkOutcomeAccepted {
			err = fmt.Errorf("%s: %s %s", d.DeviceID, d.Outcome, d.Reason)
		}
	}
	return err
}

func writeFleet(w io.Writer, rows []fleetRow) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	p("#### A fleet registering together\n\n")
	p("N Edges run `apply` with option 7 and `register: {wait: true}` at the same time against one tenantsim over loopback HTTP, each polling every %v "+
		"(real time, real code path). One by one: every Edge has the tenant user and creates and accepts its own request. "+
		"Bulk: the Edges have only the bootstrap password; a controller uploads one CSV and, once all are pending, accepts them with a second upload "+
		"(what the Ansible role does). Requests: all that the tenant received; as tenant user: those sent with the tenant user's credentials.\n\n", fleetPoll)
	p("| Edges | mode | wall time until all connected | requests to the tenant | as tenant user |\n|---:|---|---:|---:|---:|\n")
	for _, r := range rows {
		p("| %d | %s | %s | %d | %d |\n", r.N, r.Mode, round(r.Wall), r.Requests, r.UserRequests)
	}
}
