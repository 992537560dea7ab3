package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The package as an operator gets it: dpkg-deb reads it, lintian finds no
// error or warning, and the binary unpacked into a throwaway root runs and
// says its version.
func TestDebianPackage(t *testing.T) {
	for _, tool := range []string{"dpkg-deb", "lintian"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (apt-get install %s; .ci/run installs it): the package is not checked here", tool, tool)
		}
	}
	t.Setenv("TMPDIR", t.TempDir())
	deb, err := buildDeb("../..", t.TempDir(), runtime.GOARCH)
	if err != nil {
		t.Fatal(err)
	}
	version := gitVersion("../..")
	info := run(t, "dpkg-deb", "--info", deb)
	for _, want := range []string{"Package: edge-setup", "Version: " + version, "Architecture: " + runtime.GOARCH} {
		if !strings.Contains(info, want) {
			t.Errorf("dpkg-deb --info lacks %q:\n%s", want, info)
		}
	}
	contents := run(t, "dpkg-deb", "--contents", deb)
	for _, want := range []string{"./usr/bin/edge-setup", "./usr/lib/systemd/system/edge-setup-remote-access.service",
		"./usr/share/man/man1/edge-setup.1.gz", "./usr/share/bash-completion/completions/edge-setup",
		"./usr/share/fish/vendor_completions.d/edge-setup.fish", "./usr/share/doc/edge-setup/copyright"} {
		if !strings.Contains(contents, want) {
			t.Errorf("the package lacks %s:\n%s", want, contents)
		}
	}
	run(t, "lintian", "--fail-on", "error,warning", deb)

	root := t.TempDir()
	run(t, "dpkg", "-x", deb, root)
	if got := run(t, filepath.Join(root, "usr/bin/edge-setup"), "--version"); strings.TrimSpace(got) != "edge-setup "+version {
		t.Errorf("--version says %q, want edge-setup %s", got, version)
	}
	completion, err := os.ReadFile(filepath.Join(root, "usr/share/bash-completion/completions/edge-setup"))
	if err != nil || !strings.Contains(string(completion), "apply) opts=") || !strings.Contains(string(completion), "--bulk") {
		t.Errorf("bash completion (%v):\n%s", err, completion)
	}
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Tags become Debian versions.
func TestDebVersion(t *testing.T) {
	for in, want := range map[string]string{"v1.2.3\n": "1.2.3", "v1.2.3-4-gabc123": "1.2.3+4.gabc123", "1.0.0": "1.0.0", "release-x": ""} {
		if got := debVersion(in); got != want {
			t.Errorf("%q -> %q, want %q", in, got, want)
		}
	}
}
