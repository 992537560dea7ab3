package main

import (
	"fmt"
	"strings"
	"time"
)

// manPage renders the model as a roff man page, section 1.
func manPage(m *helpModel, version string, date time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, ".TH EDGE-SETUP 1 %q %q \"User Commands\"\n", date.Format("2006-01-02"), "edge-setup "+version)
	b.WriteString(".SH NAME\nedge-setup \\- " + roff(m.Summary) + "\n.SH SYNOPSIS\n")
	for _, u := range m.Usage {
		cmd, _, _ := strings.Cut(u, "  ")
		b.WriteString(".B " + roff(strings.TrimSpace(cmd)) + "\n.br\n")
	}
	b.WriteString(".SH DESCRIPTION\n")
	for _, u := range m.Usage {
		cmd, what, _ := strings.Cut(u, "  ")
		b.WriteString(".TP\n.B " + roff(strings.TrimSpace(cmd)) + "\n" + roff(strings.TrimSpace(what)) + "\n")
	}
	b.WriteString(".SH COMMANDS\n")
	for _, c := range m.Commands {
		b.WriteString(".TP\n.B " + roff(c.Name) + "\n" + roff(c.Text) + "\n")
		for _, f := range m.CommandFlags[c.Name] {
			b.WriteString(".RS\n.TP\n.B \\-" + roff(f.Name) + "\n" + roff(f.Text) + "\n.RE\n")
		}
	}
	b.WriteString(".SH OPTIONS\nEvery command takes these flags too.\n")
	for _, f := range m.Flags {
		b.WriteString(".TP\n.B \\-" + roff(f.Name) + "\n" + roff(f.Text) + "\n")
	}
	b.WriteString(".SH FILES\nEvery file is read and written under the root directory (\\-root, default /); see the README.\n")
	return b.String()
}

// roff escapes text for a roff line: backslashes and minus signs, and a
// leading dot or quote that would start a request.
func roff(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}
