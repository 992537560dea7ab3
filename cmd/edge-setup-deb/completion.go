package main

import (
	"fmt"
	"strings"
)

// bashCompletion completes commands, global flags and each command's flags.
func bashCompletion(m *helpModel) string {
	var names, cases []string
	for _, c := range m.Commands {
		names = append(names, c.Name)
		flags := flagNames(m.CommandFlags[c.Name])
		cases = append(cases, fmt.Sprintf("\t\t%s) opts=%q ;;", c.Name, strings.Join(flags, " ")+" "+strings.Join(flagNames(m.Flags), " ")))
	}
	return fmt.Sprintf(`# bash completion for edge-setup (generated from its help)
_edge_setup() {
	local cur=${COMP_WORDS[COMP_CWORD]} cmd="" w opts
	for w in "${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
		case $w in %s) cmd=$w ;; esac
	done
	case $cmd in
%s
		*) opts=%q ;;
	esac
	COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -o default -F _edge_setup edge-setup
`, strings.Join(names, "|"), strings.Join(cases, "\n"), strings.Join(names, " ")+" "+strings.Join(flagNames(m.Flags), " "))
}

// fishCompletion is the same for fish.
func fishCompletion(m *helpModel) string {
	var b strings.Builder
	b.WriteString("# fish completion for edge-setup (generated from its help)\n")
	for _, c := range m.Commands {
		fmt.Fprintf(&b, "complete -c edge-setup -n __fish_use_subcommand -a %s -d %s\n", c.Name, fishQuote(c.Text))
		for _, f := range m.CommandFlags[c.Name] {
			fmt.Fprintf(&b, "complete -c edge-setup -n '__fish_seen_subcommand_from %s' -l %s -d %s\n", c.Name, strings.TrimPrefix(flagName(f), "-"), fishQuote(f.Text))
		}
	}
	for _, f := range m.Flags {
		fmt.Fprintf(&b, "complete -c edge-setup -l %s -d %s\n", strings.TrimPrefix(flagName(f), "-"), fishQuote(f.Text))
	}
	return b.String()
}

func flagNames(es []entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = "-" + flagName(e) // the flag package takes -x and --x
	}
	return out
}

func fishQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }
