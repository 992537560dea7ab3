package main

import (
	"errors"
	"os/exec"
	"strings"
)

// helpModel is what the man page and the completions are made from: the
// binary's own help, so that they say what the binary says.
type helpModel struct {
	Summary  string
	Usage    []string
	Commands []entry // name, summary
	Flags    []entry // global flags: "-root directory", description
	// CommandHelp is each command's --help text; CommandFlags its flags
	// beyond the global ones.
	CommandHelp  map[string]string
	CommandFlags map[string][]entry
}

type entry struct{ Name, Text string }

// readHelp runs bin --help and bin COMMAND --help for every command.
func readHelp(bin string) (*helpModel, error) {
	top, err := helpOf(bin, "--help")
	if err != nil {
		return nil, err
	}
	m := &helpModel{CommandHelp: map[string]string{}, CommandFlags: map[string][]entry{}}
	section := ""
	lines := strings.Split(top, "\n")
	m.Summary = strings.TrimSuffix(strings.TrimPrefix(lines[0], "edge-setup: "), ".")
	for _, l := range lines[1:] {
		switch {
		case strings.HasSuffix(l, ":") && !strings.HasPrefix(l, " "):
			section = strings.TrimSuffix(l, ":")
		case strings.TrimSpace(l) == "":
		case section == "Usage":
			m.Usage = append(m.Usage, strings.TrimSpace(l))
		case section == "Commands":
			name, text, _ := strings.Cut(strings.TrimSpace(l), " ")
			m.Commands = append(m.Commands, entry{name, strings.TrimSpace(text)})
		}
	}
	m.Flags = flagEntries(top[strings.Index(top, "\nFlags:")+1:])
	global := map[string]bool{}
	for _, f := range m.Flags {
		global[f.Name] = true
	}
	for _, c := range m.Commands {
		h, err := helpOf(bin, c.Name, "--help")
		if err != nil {
			return nil, err
		}
		m.CommandHelp[c.Name] = h
		for _, f := range flagEntries(h) {
			if !global[f.Name] {
				m.CommandFlags[c.Name] = append(m.CommandFlags[c.Name], f)
			}
		}
	}
	return m, nil
}

// helpOf is the help text (the flag package prints it on stderr, a
// command's own usage may go to stdout; the exit code does not matter).
func helpOf(bin string, args ...string) (string, error) {
	out, err := exec.Command(bin, args...).CombinedOutput()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return "", err
	}
	return string(out), nil
}

// flagEntries reads the flag package's "  -name arg\n    \tdescription".
func flagEntries(text string) []entry {
	var out []entry
	for _, l := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(l, "  -"):
			out = append(out, entry{Name: strings.TrimSpace(l)})
		case strings.HasPrefix(l, "    \t") && len(out) > 0:
			last := &out[len(out)-1]
			last.Text = strings.TrimSpace(last.Text + " " + strings.TrimSpace(l))
		}
	}
	return out
}

// flagName is "-root" of "-root directory".
func flagName(e entry) string { n, _, _ := strings.Cut(e.Name, " "); return n }
