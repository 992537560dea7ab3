package answers

import "strings"

// yamlErrorLine corrects the line yaml.v3 gives for a syntax error where it
// names the line before the fault: a tab in an indentation is reported at
// the line above it, so the operator looked at the wrong line.
func yamlErrorLine(data []byte, reported int, msg string) int {
	if !strings.Contains(msg, "tab character") {
		return reported
	}
	for i, l := range strings.Split(string(data), "\n") {
		indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if i+1 >= reported && strings.Contains(indent, "\t") {
			return i + 1
		}
	}
	return reported
}
