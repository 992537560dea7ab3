package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/registration"
	"github.com/edge-setup/edge-setup/steps/safetext"
)

func init() {
	commands["register"] = command{
		summary: "register the Edge with the configured tenant without a screen (--wait, --timeout)",
		run:     runRegister,
	}
}

// runRegister is the registration workflow of option 7 for scripts: one
// line per status change, exit 0 once connected.
func runRegister(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) int {
	var wait, create, accept bool
	var timeout time.Duration
	var bulk bulkFlags
	fs, code, ok := parseCommandFlags("register", g, args, stderr, func(fs *flag.FlagSet) {
		bulk.bind(fs)
		fs.BoolVar(&wait, "wait", false, "keep polling until the device is accepted and connected")
		fs.DurationVar(&timeout, "timeout", 0, "with --wait: give up after this `duration` (e.g. 30m); 0 waits forever")
		fs.BoolVar(&create, "create", false, "create the registration request when there is none (needs C8Y_USER and C8Y_PASSWORD)")
		fs.BoolVar(&accept, "accept", false, "accept the request once it is pending (needs C8Y_USER and C8Y_PASSWORD)")
	})
	if !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "edge-setup register: unexpected argument %q\n", safetext.Line(fs.Arg(0)))
		return exitUsage
	}
	if bulk.file != "" {
		return runBulkRegister(ctx, g, bulk, wait || create, accept, stdout, stderr)
	}
	timeoutSet := false
	fs.Visit(func(f *flag.Flag) { timeoutSet = timeoutSet || f.Name == "timeout" })
	switch {
	case timeout < 0:
		fmt.Fprintf(stderr, "edge-setup register: --timeout %s is negative: give how long to wait, e.g. --timeout 30m (0 waits without limit)\n", timeout)
		return exitUsage
	case timeoutSet && !wait:
		fmt.Fprintln(stderr, "edge-setup register: --timeout needs --wait (without --wait, register checks once and returns at once)")
		return exitUsage
	}
	s, ok := startSession(g, stdout, stderr)
	if !ok {
		return exitFailed
	}
	defer s.close()
	env := s.env.Env
	tenantSide := !wait && (create || accept)
	if !tenantSide {
		unlock, err := env.Props.Lock()
		if err != nil {
			return lockFailed(stderr, err)
		}
		defer unlock()
	}
	reg, err := options.EdgeAgent{}.NewRegistration(env, steps.Answers{})
	if err != nil {
		fmt.Fprintln(stderr, "edge-setup register:", err)
		return exitFailed
	}
	if reg == nil {
		fmt.Fprintln(stderr, "edge-setup register: remote management is disabled (no cloud URL): run option 7 first, or edge-setup apply with option 7")
		return exitFailed
	}
	if (create || accept) && !reg.CanManage() {
		fmt.Fprintln(stderr, "edge-setup register: --create and --accept need a tenant user in C8Y_USER and C8Y_PASSWORD (and C8Y_TENANT if the tenant needs it)")
		return exitUsage
	}
	if tenantSide {
		// Only the tenant is acted on (as the tenant user): nothing under the
		// root is written and no device credentials are asked for, so this
		// runs beside a menu that holds the lock (the demo's second shell).
		return registerTenantSide(ctx, reg, create, accept, stdout, stderr)
	}
	if !wait {
		code := registerOnce(ctx, reg, stdout, stderr)
		if errors.Is(ctx.Err(), context.Canceled) {
			return exitCanceled // a signal during the one check
		}
		return code
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	line := func(format string, a ...any) {
		fmt.Fprintf(stdout, "%s %s\n", time.Now().UTC().Format(time.RFC3339), fmt.Sprintf(format, a...))
	}
	line("device %s, tenant %s", reg.DeviceID, reg.URL)
	var lastProblem error // the last real reason, for the --timeout message
	status := ""
	// The machine decides (--create also registers a lost request again);
	// this prints its events.
	m := &registration.RegistrationMachine{Reg: reg, Auto: registration.RegAuto{Create: create, Accept: accept, RegisterAgain: create}, Emit: func(ev registration.RegEvent) {
		switch ev := ev.(type) {
		case registration.RegResumed:
			line("resumed the registration started %s (last status: %s)", ev.Started.UTC().Format(time.RFC3339), ev.Timeline.Current())
		case registration.RegRetrying:
			lastProblem = ev.Err
			line("retrying in %s: %s", ev.Next.Round(time.Second), ev.Err)
		case registration.RegWarning:
			if errors.Is(ev.Err, registration.ErrCredentialsLost) {
				line("registration lost: %s", ev.Err)
				return
			}
			lastProblem = ev.Err
			line("warning: %s", ev.Err)
		case registration.RegTenantWarning:
			lastProblem = ev.Err
			line("warning: %s", ev.Err)
		case registration.RegStatusChanged:
			status, lastProblem = ev.Status, nil
			line("%s", ev.Status)
		case registration.RegActionDone:
			if done := registerActionDone[ev.Action]; done != "" {
				line("%s", done)
			}
		case registration.RegActionFailed:
			line("error: %s", ev.Err)
		}
	}}
	conn, err := m.Run(ctx, nil)
	switch {
	case err == nil:
		line("connected: tenant %s, managed object %s; %s", conn.TenantID, conn.ManagedObjectID, credentialsNote(conn))
		return exitOK
	case errors.Is(err, context.DeadlineExceeded) && lastProblem != nil:
		line("not connected within %s: the last problem was: %s", timeout, lastProblem)
		return exitTimeout
	case errors.Is(err, context.DeadlineExceeded):
		if status == "" {
			status = registration.StatusNotAccepted
		}
		line("not connected within %s (last status: %s): register %s at %s and accept it", timeout, status, reg.DeviceID, reg.RegisterLink())
		return exitTimeout
	case errors.Is(err, registration.ErrCredentialsLost) && reg.CanManage():
		line("registration stopped: %s; run edge-setup register --wait --create to do it", err)
		return exitFailed
	case errors.Is(err, context.Canceled):
		line("stopped")
		return exitCanceled
	}
	line("registration stopped: %s", err)
	return exitFailed
}

// registerActionDone is what `register --wait` prints when an action succeeded.
var registerActionDone = map[registration.RegAction]string{
	registration.RegCreate:        "registration request created",
	registration.RegAccept:        "acceptance sent as the tenant user",
	registration.RegRegisterAgain: "deleted the device request and created it again; waiting for the acceptance",
}

// registerOnce reports the state with one check (the machine without
// waiting): exit 0 when connected.
func registerOnce(ctx context.Context, reg *registration.Registration, stdout, stderr io.Writer) int {
	status := ""
	m := &registration.RegistrationMachine{Reg: reg, Once: true, Emit: func(ev registration.RegEvent) {
		if p, ok := ev.(registration.RegPolled); ok {
			status = p.Status
		}
	}}
	conn, err := m.Run(ctx, nil)
	switch {
	case err == nil:
		fmt.Fprintf(stdout, "connected: tenant %s, managed object %s; %s\n", conn.TenantID, conn.ManagedObjectID, credentialsNote(conn))
		return exitOK
	case errors.Is(err, registration.ErrNotConnectedYet):
		fmt.Fprintf(stdout, "%s: device %s; register it at %s (use --wait to wait for acceptance)\n", status, reg.DeviceID, reg.RegisterLink())
		return exitTimeout
	}
	fmt.Fprintln(stderr, "edge-setup register:", err)
	return exitFailed
}

// credentialsNote says where the credentials are and whether the agent uses them.
func credentialsNote(conn *registration.Connection) string {
	if conn.Agent == "" {
		return "device credentials in " + registration.CredentialsPath + " (stored earlier)"
	}
	return "device credentials stored in " + registration.CredentialsPath + " (0600); edge-agent " + conn.Agent
}

// registerTenantSide creates and/or accepts the request as the tenant user,
// once, without the lock. Exit 0 when it did what was asked or there was
// nothing to do, 5 when the request is not there yet to accept.
func registerTenantSide(ctx context.Context, reg *registration.Registration, create, accept bool, stdout, stderr io.Writer) int {
	st, err := reg.TenantStatus(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "edge-setup register:", err)
		return exitFailed
	}
	fmt.Fprintf(stdout, "device %s: %s\n", reg.DeviceID, st)
	if st == registration.StatusNotRegistered && create {
		if err := reg.CreateRequest(ctx); err != nil {
			fmt.Fprintln(stderr, "edge-setup register:", err)
			return exitFailed
		}
		fmt.Fprintln(stdout, "registration request created; the device's next request makes it pending")
		if st, err = reg.TenantStatus(ctx); err != nil {
			fmt.Fprintln(stderr, "edge-setup register:", err)
			return exitFailed
		}
	}
	switch {
	case st == registration.StatusPending && accept:
		if err := reg.Accept(ctx); err != nil {
			fmt.Fprintln(stderr, "edge-setup register:", err)
			return exitFailed
		}
		fmt.Fprintln(stdout, "acceptance sent as the tenant user; the device receives its credentials with its next request")
		return exitOK
	case accept && st != registration.StatusAccepted:
		fmt.Fprintf(stdout, "not pending yet, nothing to accept: run this again once the device has asked (it asks every few seconds)\n")
		return exitTimeout
	}
	return exitOK
}
