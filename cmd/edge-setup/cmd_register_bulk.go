package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/registration"
	"github.com/edge-setup/edge-setup/steps/safetext"
)

// bulkFlags are register's flags for a bulk registration, run where the
// tenant user is (an Ansible controller), not on an Edge.
type bulkFlags struct {
	file, url string
	json      bool
}

func (b *bulkFlags) bind(fs *flag.FlagSet) {
	fs.StringVar(&b.file, "bulk", "", "register the devices of this CSV `file` (- reads standard input; ID;PATH, one a line after the header) in one request, as the tenant user of C8Y_USER and C8Y_PASSWORD; with --accept, accept those pending")
	fs.StringVar(&b.url, "url", "", "with --bulk: the tenant `URL` (default: C8Y_HOST)")
	fs.BoolVar(&b.json, "json", false, "with --bulk: print the devices as JSON")
}

// runBulkRegister uploads the CSV and prints one line per device. Exit 0
// when no device failed, 1 otherwise.
func runBulkRegister(ctx context.Context, g *globals, b bulkFlags, misused, accept bool, stdout, stderr io.Writer) int {
	if misused {
		fmt.Fprintln(stderr, "edge-setup register: --bulk registers devices in the tenant; --wait and --create are for one Edge (the bulk upload creates the requests)")
		return exitUsage
	}
	url := b.url
	if url == "" {
		url = os.Getenv("C8Y_HOST")
	}
	if url == "" {
		fmt.Fprintln(stderr, "edge-setup register: --bulk needs the tenant: give --url https://acme.cumulocity.com or set C8Y_HOST")
		return exitUsage
	}
	csv, err := readInputFile(b.file, 4<<20)
	if err != nil {
		fmt.Fprintf(stderr, "edge-setup register: cannot read %s: %s\n", safetext.Line(b.file), safetext.Line(err.Error()))
		return exitInvalidFile
	}
	s, ok := startSession(g, io.Discard, stderr)
	if !ok {
		return exitFailed
	}
	defer s.close()
	user := options.RemoteAccessUser(s.env.Env) // the tenant user of C8Y_USER/C8Y_PASSWORD
	if user == nil {
		fmt.Fprintln(stderr, "edge-setup register: --bulk needs a tenant user with device registration rights in C8Y_USER and C8Y_PASSWORD (and C8Y_TENANT if the tenant needs it)")
		return exitUsage
	}
	client, err := s.env.Env.NewClient(url)
	if err != nil {
		fmt.Fprintln(stderr, "edge-setup register:", err)
		return exitUsage
	}
	defer client.Close()
	devices, err := registration.BulkRegister(ctx, client, *user, csv, accept)
	if err != nil {
		fmt.Fprintln(stderr, "edge-setup register:", err)
		return exitFailed
	}
	failed := 0
	for _, d := range devices {
		if d.Outcome == registration.BulkOutcomeFailed {
			failed++
		}
	}
	if b.json {
		_ = writeJSON(stdout, devices)
	} else {
		for _, d := range devices {
			line := fmt.Sprintf("%-24s %s", d.DeviceID, d.Outcome)
			if d.Status != "" && d.Outcome != registration.BulkOutcomeAccepted {
				line += " (" + d.Status + ")"
			}
			if d.Reason != "" {
				line += ": " + d.Reason
			}
			fmt.Fprintln(stdout, line)
		}
		fmt.Fprintf(stdout, "%s, %d failed\n", plural(len(devices), "device"), failed)
	}
	if failed > 0 {
		return exitFailed
	}
	return exitOK
}

// plural is "1 device" or "3 devices".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
