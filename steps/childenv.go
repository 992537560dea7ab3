package steps

import (
	"os"
	"strings"
)

// defaultPath is the PATH of a command when edge-setup was started without one.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// childEnv is the environment of every command edge-setup runs: only what
// a system command needs to find programs and speak the operator's
// language. The rest (C8Y_PASSWORD, C8Y_BOOTSTRAP_PASSWORD, a proxy URL
// with a password, whatever the caller exported) stays in edge-setup.
func childEnv(parent []string) []string {
	env := []string{}
	hasPath := false
	for _, kv := range parent {
		name, _, ok := strings.Cut(kv, "=")
		if !ok {
			continue
		}
		switch {
		case name == "PATH":
			hasPath = true
		case name == "LANG", name == "LANGUAGE", name == "TZ", name == "TERM", name == "HOME",
			strings.HasPrefix(name, "LC_"):
		default:
			continue
		}
		env = append(env, kv)
	}
	if !hasPath {
		env = append(env, "PATH="+defaultPath)
	}
	return env
}

// commandEnv is childEnv of this process's environment.
func commandEnv() []string { return childEnv(os.Environ()) }
