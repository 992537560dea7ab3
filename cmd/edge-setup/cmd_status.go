package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/edge-setup/edge-setup/steps/status"
)

func init() {
	commands["status"] = command{
		summary: "show the device ID, cloud URL, registration, completed options (--json)",
		run:     runStatus,
	}
}

// runStatus shows steps.GatherStatus: read-only, without the lock. Exit 0
// whenever the status could be shown (whatever it says); 2 on usage errors.
func runStatus(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) int {
	var asJSON bool
	var timeout time.Duration
	fs, code, ok := parseCommandFlags("status", g, args, stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&asJSON, "json", false, "print the status as JSON (schema in the README)")
		fs.DurationVar(&timeout, "timeout", status.StatusCheckTimeout, "bound the live check of the registration to this `duration`")
	})
	if !ok {
		return code
	}
	if !noArgs(fs, stderr) {
		return exitUsage
	}
	s, ok := startSession(g, io.Discard, stderr)
	if !ok {
		return exitFailed
	}
	defer s.close()
	ctx, cancel := withTimeout(ctx, timeout)
	defer cancel()
	st := status.GatherStatus(ctx, s.env.Env)
	if errors.Is(ctx.Err(), context.Canceled) {
		fmt.Fprintln(stderr, "edge-setup status: interrupted")
		return exitCanceled
	}
	if asJSON {
		if err := writeJSON(stdout, st); err != nil {
			fmt.Fprintln(stderr, "edge-setup status:", err)
			return exitFailed
		}
		return exitOK
	}
	writeStatus(stdout, st)
	return exitOK
}

// writeStatus prints the status as aligned lines.
func writeStatus(w io.Writer, st status.Status) {
	row := func(label, value string) { fmt.Fprintf(w, "%-22s%s\n", label, value) }
	id := st.DeviceID
	if id == "" {
		id = "not created yet (option 7 creates it)"
	}
	row("Device ID", id)
	url := st.CloudURL
	if url == "" {
		url = "none"
	}
	row("Cloud URL", url)
	row("Remote management", onOff(st.RemoteManagement))
	row("Registration", registrationLine(st.Registration))
	hosting := "disabled"
	if st.Hosting.Enabled {
		hosting = "enabled"
	}
	if st.Hosting.ChangedAt != nil {
		hosting += " since " + st.Hosting.ChangedAt.UTC().Format("2006-01-02 15:04 MST")
	}
	row("Microservice hosting", hosting)
	row("Remote SSH access", remoteAccessLine(st.RemoteAccess))
	fmt.Fprintln(w, "Options")
	width := 0 // the longest title sets the column (option 8's depends on its state)
	for _, o := range st.Options {
		width = max(width, len(o.Title))
	}
	for _, o := range st.Options {
		state := "not run"
		if o.Completed && o.CompletedAt != nil {
			state = "completed " + o.CompletedAt.UTC().Format("2006-01-02 15:04 MST")
			if o.Version != "" {
				state += " (edge-setup " + o.Version + ")"
			}
		}
		fmt.Fprintf(w, "  %d %-*s  %s\n", o.Number, width, o.Title, state)
	}
	for _, p := range st.Problems {
		row("Problem", p)
	}
}

// remoteAccessLine is option S's row: what it set up, from its records here.
func remoteAccessLine(ra status.RemoteAccessStatus) string {
	if !ra.SetUp {
		if ra.Relay {
			return "not set up (the relay service is installed; option S sets up the endpoints)"
		}
		return "not set up (option S sets it up)"
	}
	line := fmt.Sprintf("on: %d endpoint(s) to %s", ra.Endpoints, ra.Target)
	if ra.SSHUser != "" {
		line += ", web terminal as " + ra.SSHUser
	}
	if !ra.Relay {
		line += "; the relay service is not installed: run option S again"
	}
	if ra.ConfiguredAt != nil {
		line += " (since " + ra.ConfiguredAt.UTC().Format("2006-01-02 15:04 MST") + ")"
	}
	return line
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func registrationLine(r status.RegistrationStatus) string {
	var b strings.Builder
	switch r.State {
	case status.RegConnected:
		b.WriteString("connected: tenant " + r.TenantID)
		if r.ManagedObjectID != "" {
			b.WriteString(", managed object " + r.ManagedObjectID)
		}
	case status.RegDisabled:
		b.WriteString("disabled (no cloud URL)")
	case status.RegNotRegistered:
		b.WriteString("not registered")
	case status.RegCredentialsInvalid:
		b.WriteString("credentials invalid")
	case status.RegUnreachable:
		b.WriteString("tenant unreachable")
	default:
		b.WriteString(r.State)
	}
	if r.Reason != "" && r.State != status.RegDisabled {
		b.WriteString(" (" + r.Reason + ")")
	}
	return b.String()
}
