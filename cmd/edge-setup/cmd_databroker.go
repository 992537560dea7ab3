package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/edge-setup/edge-setup/steps/databroker"
	"github.com/edge-setup/edge-setup/steps/options"
)

func init() {
	commands["databroker"] = command{
		summary: "status [--json]: the Data Broker connectors, their state and alarms (read-only)",
		run:     runDataBroker,
	}
}

// runDataBroker serves `databroker status`: read-only, without the lock.
// Exit 0 when the connectors could be read (whatever their state), 1 when
// the Data Broker cannot be used or the Edge cannot be asked, 2 on usage
// errors, 130 when a signal (SIGINT, SIGTERM) stopped it.
func runDataBroker(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		args = []string{"status", "--help"} // the one subcommand's help, exit 0
	}
	if len(args) == 0 || args[0] != "status" {
		fmt.Fprintln(stderr, "edge-setup databroker: write `edge-setup databroker status [--json]` (connectors are created and changed in the menu, B, or with apply)")
		return exitUsage
	}
	var asJSON bool
	var timeout time.Duration
	fs, code, ok := parseCommandFlags("databroker status", g, args[1:], stderr, func(fs *flag.FlagSet) {
		fs.BoolVar(&asJSON, "json", false, "print the connectors as JSON (schema in the README)")
		fs.DurationVar(&timeout, "timeout", 20*time.Second, "give up reading the Edge after this `duration`")
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
	b, err := options.NewDataBroker(s.env.Env, nil)
	if err != nil {
		fmt.Fprintln(stderr, "edge-setup databroker:", err)
		return exitFailed
	}
	ov, err := b.Overview(ctx)
	if errors.Is(ctx.Err(), context.Canceled) {
		fmt.Fprintln(stderr, "edge-setup databroker: interrupted")
		return exitCanceled
	}
	if err != nil {
		fmt.Fprintln(stderr, "edge-setup databroker:", err)
		return exitFailed
	}
	r := databroker.NewReport(b.Edge.API.BaseURL(), b.CloudURL, ov)
	if asJSON {
		if err := writeJSON(stdout, r); err != nil {
			fmt.Fprintln(stderr, "edge-setup databroker:", err)
			return exitFailed
		}
		return exitOK
	}
	writeDataBroker(stdout, r)
	return exitOK
}

func writeDataBroker(w io.Writer, r databroker.Report) {
	fmt.Fprintf(w, "Edge %s -> cloud %s\n", r.EdgeURL, r.CloudURL)
	if len(r.Connectors) == 0 {
		fmt.Fprintln(w, "No connectors: the Edge shares no data (menu B creates one).")
	}
	for _, c := range r.Connectors {
		sync := "never"
		if c.LastSync != nil {
			sync = c.LastSync.Local().Format("2006-01-02 15:04:05")
		}
		fmt.Fprintf(w, "\n%s  [%s]\n  %s\n  to %s, shares %s\n  last synchronisation %s\n", c.Name, c.State, c.Meaning, c.Target, c.Shares, sync)
		if c.Todo != "" {
			fmt.Fprintf(w, "  -> %s\n", c.Todo)
		}
		for _, a := range c.Alarms {
			fmt.Fprintf(w, "  %s: %s (since %s, %d times)\n", a.Severity, a.Text, a.Time.Local().Format("15:04:05"), a.Count)
			if a.Todo != "" {
				fmt.Fprintf(w, "    -> %s\n", a.Todo)
			}
		}
		writeOperations(w, c)
	}
	if r.AlarmsUnknown != "" {
		fmt.Fprintln(w, "\n"+r.AlarmsUnknown)
	}
}

// writeOperations lists the operations that came from the cloud.
func writeOperations(w io.Writer, c databroker.ConnectorReport) {
	if c.OperationsWarning != "" {
		fmt.Fprintf(w, "  Warning: %s\n", c.OperationsWarning)
	}
	if c.OperationsUnknown != "" {
		fmt.Fprintf(w, "  Operations from the cloud unknown: %s\n", c.OperationsUnknown)
		return
	}
	if len(c.Operations) == 0 {
		fmt.Fprintln(w, "  No operations from the cloud in the last hour")
		return
	}
	fmt.Fprintln(w, "  Operations from the cloud in the last hour:")
	for _, o := range c.Operations {
		fmt.Fprintf(w, "    %s\n", databroker.CloudOperation{CloudID: o.CloudID, EdgeID: o.EdgeID, Device: o.Device, What: o.What,
			Status: o.Status, FailureReason: o.FailureReason, Created: o.Created}.Line())
	}
}
