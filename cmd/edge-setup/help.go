package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
)

// Help goes to stdout (it is what was asked for, `edge-setup --help | less`
// works) and exits 0; a usage error goes to stderr and exits 2.

// usage prints the overview: what the tool is, the commands, the flags.
func usage(out io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(out, `edge-setup: the post-installation console of Cumulocity IoT Edge.

Usage:
  edge-setup [flags]                 the menu (run as root on the Edge)
  edge-setup --demo                  try it with a built-in demo tenant and a sandbox root
  edge-setup [flags] COMMAND [args]  run one command without the menu
  edge-setup help COMMAND            what COMMAND does and its flags

Commands:
`)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for _, n := range names {
		fmt.Fprintf(tw, "  %s\t%s\n", n, commandSummary(n))
	}
	tw.Flush()
	fmt.Fprint(out, "\nFlags:\n")
	old := fs.Output()
	fs.SetOutput(out)
	fs.PrintDefaults()
	fs.SetOutput(old)
}

// commandSummary is a command's one line.
func commandSummary(name string) string { return commands[name].summary }

// globalsFor names the global flags that mean something to a command; the
// others (--plain is the menu's) are left out of its help.
func globalsFor(name string) []string {
	g := []string{"root", "demo", "ca-cert", "debug"}
	switch strings.Fields(name)[0] {
	case "apply", "databroker":
		g = append(g, "edge-url") // option 6 and the Data Broker talk to the Edge's own API
	}
	return g
}

// commandUsage prints one command's help: what it does, its own flags,
// then the global flags that apply to it.
func commandUsage(out io.Writer, name string, fs *flag.FlagSet, own map[string]bool) {
	fmt.Fprintf(out, "Usage: edge-setup %s [flags]\n\n", name)
	if s := commandSummary(strings.Fields(name)[0]); s != "" {
		fmt.Fprintln(out, s)
	}
	print := func(title string, keep func(*flag.Flag) bool) {
		var fl []*flag.Flag
		fs.VisitAll(func(f *flag.Flag) {
			if keep(f) {
				fl = append(fl, f)
			}
		})
		if len(fl) == 0 {
			return
		}
		fmt.Fprintf(out, "\n%s:\n", title)
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		for _, f := range fl {
			arg, text := flag.UnquoteUsage(f)
			if arg != "" {
				arg = " " + arg
			}
			def := ""
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "0s" {
				def = " (default " + f.DefValue + ")"
			}
			fmt.Fprintf(tw, "  --%s%s\t%s%s\n", f.Name, arg, text, def)
		}
		tw.Flush()
	}
	print("Flags", func(f *flag.Flag) bool { return own[f.Name] })
	globals := globalsFor(name)
	print("Global flags", func(f *flag.Flag) bool { return !own[f.Name] && slices.Contains(globals, f.Name) })
}

// runHelp serves `edge-setup help [COMMAND]`.
func runHelp(args []string, fs *flag.FlagSet, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stdout, fs)
		return exitOK
	}
	if _, ok := commands[args[0]]; !ok {
		fmt.Fprintf(stderr, "edge-setup help: unknown command %q (see edge-setup --help)\n", args[0])
		return exitUsage
	}
	return -1 // the caller runs the command with --help
}
