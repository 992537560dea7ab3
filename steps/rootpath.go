package steps

import (
	"path/filepath"
	"strings"
)

// HostPath turns a path the operator typed (a path on the Edge VM) into the
// path to open: an absolute path is taken relative to env.Root, so under a
// sandbox root R "/tmp/x.crt" is R/tmp/x.crt and under "/" it is itself; a
// relative path is relative to the working directory, as in a shell. A
// leading "~/" is not expanded (the console runs as root; type the full path).
func HostPath(env *Env, typed string) string {
	p := filepath.Clean(typed)
	if filepath.IsAbs(p) && env.Sandboxed() {
		return filepath.Join(env.Root, p)
	}
	return p
}

// RootPath is the path of a file under the root given its host path
// ("/opt/c8y/..." or "opt/c8y/...").
func RootPath(env *Env, hostPath string) string {
	root := env.Root
	if root == "" {
		root = "/"
	}
	return filepath.Join(root, strings.TrimPrefix(hostPath, "/"))
}

// EnvRoot is env.Root, "/" when unset.
func EnvRoot(env *Env) string {
	if env.Root == "" {
		return "/"
	}
	return env.Root
}
