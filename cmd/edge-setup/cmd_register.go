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
	createAsked := create
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
	onUpdate := func(u registration.WaitUpdate) {
		switch {
		case u.Resumed != nil:
			line("resumed the registration started %s (last status: %s)", u.Resumed.UTC().Format(time.RFC3339), u.Status)
		case u.Retrying != nil:
			lastProblem = u.Retrying
			line("retrying in %s: %s", u.Next.Round(time.Second), u.Retrying)
		case u.Warning != nil:
			lastProblem = u.Warning
			line("warning: %s", u.Warning)
		case u.Status != "":
			status, lastProblem = u.Status, nil
			line("%s", u.Status)
			if u.Status == registration.StatusNotRegistered && create {
				create = false
				reportAction(line, "registration request created", reg.CreateRequest(ctx))
			}
			if u.Status == registration.StatusPending && accept {
				reportAction(line, "acceptance sent as the tenant user", reg.Accept(ctx))
			}
		}
	}
	conn, err := reg.Wait(ctx, onUpdate, nil)
	for errors.Is(err, registration.ErrCredentialsLost) && reg.CanManage() && createAsked {
		line("registration lost: %s", err)
		if aerr := reg.RegisterAgain(ctx); aerr != nil {
			line("error: %s", aerr)
			break
		}
		line("deleted the device request and created it again; waiting for the acceptance")
		conn, err = reg.Wait(ctx, onUpdate, nil)
	}
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

func reportAction(line func(string, ...any), done string, err error) {
	if err != nil {
		line("error: %s", err)
		return
	}
	line("%s", done)
}

// registerOnce reports the state with one check: exit 0 when connected.
func registerOnce(ctx context.Context, reg *registration.Registration, stdout, stderr io.Writer) int {
	conn, err := reg.CheckExisting(ctx)
	if err == nil {
		fmt.Fprintf(stdout, "connected: tenant %s, managed object %s; %s\n", conn.TenantID, conn.ManagedObjectID, credentialsNote(conn))
		return exitOK
	}
	if !errors.Is(err, registration.ErrNoCredentials) && !errors.Is(err, registration.ErrCredentialsInvalid) {
		fmt.Fprintln(stderr, "edge-setup register:", err)
		return exitFailed
	}
	out := reg.PollOnce(ctx, 0, 0)
	switch {
	case out.Fatal != nil:
		fmt.Fprintln(stderr, "edge-setup register:", out.Fatal)
		return exitFailed
	case out.Retrying != nil:
		fmt.Fprintln(stderr, "edge-setup register:", out.Retrying)
		return exitFailed
	case out.Credentials != nil:
		conn, err := reg.Complete(ctx, out.Credentials)
		if err != nil {
			fmt.Fprintln(stderr, "edge-setup register:", err)
			return exitFailed
		}
		fmt.Fprintf(stdout, "connected: tenant %s, managed object %s; %s\n", conn.TenantID, conn.ManagedObjectID, credentialsNote(conn))
		return exitOK
	}
	fmt.Fprintf(stdout, "%s: device %s; register it at %s (use --wait to wait for acceptance)\n", out.Status, reg.DeviceID, reg.RegisterLink())
	return exitTimeout
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
