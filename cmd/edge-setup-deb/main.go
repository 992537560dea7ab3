// Command edge-setup-deb builds the Debian package of edge-setup with nfpm:
// the binary (its version from `git describe`), the remote access relay's
// systemd unit, bash and fish completions and a man page generated from the
// binary's help, the copyright file and a changelog. The packaging config is
// deploy/debian/nfpm.yaml. It is a module of its own so that the packager's
// dependencies stay out of edge-setup's.
//
//	cd cmd/edge-setup-deb && go run . -o ../../dist/   (or: make deb)
package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/goreleaser/nfpm/v2"
	_ "github.com/goreleaser/nfpm/v2/deb" // registers the deb packager
)

// RemoteAccessUnit is the relay's systemd unit in the repository (issue
// 19's remote access relay); the package installs it under /usr/lib/systemd/system.
const RemoteAccessUnit = "deploy/systemd/edge-setup-remote-access.service"

// nfpmConfig is the packaging config in the repository.
const nfpmConfig = "deploy/debian/nfpm.yaml"

func main() {
	repo := flag.String("repo", "../..", "the repository's root `directory`")
	out := flag.String("o", ".", "the `directory` the .deb is written to")
	arch := flag.String("arch", runtime.GOARCH, "the Go architecture to build for (the help is read by running the binary, so the build machine's)")
	flag.Parse()
	path, err := buildDeb(*repo, *out, *arch)
	if err != nil {
		fmt.Fprintln(os.Stderr, "edge-setup-deb:", err)
		os.Exit(1)
	}
	fmt.Println(path)
}

// buildDeb builds the package into outDir and returns its path.
func buildDeb(repo, outDir, arch string) (string, error) {
	repo, err := filepath.Abs(repo)
	if err != nil {
		return "", err
	}
	version := gitVersion(repo)
	work, err := os.MkdirTemp("", "edge-setup-deb-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(work)
	bin := filepath.Join(work, "edge-setup")
	build := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X main.version="+version, "-o", bin, "./cmd/edge-setup")
	build.Dir = repo
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building edge-setup: %v\n%s", err, out)
	}
	help, err := readHelp(bin)
	if err != nil {
		return "", fmt.Errorf("reading the binary's help: %w", err)
	}
	now := time.Now().UTC()
	files := map[string][]byte{
		"edge-setup.1.gz": gz([]byte(manPage(help, version, now))),
		"edge-setup.bash": []byte(bashCompletion(help)),
		"edge-setup.fish": []byte(fishCompletion(help)),
		"changelog.gz": gz([]byte(fmt.Sprintf("edge-setup (%s) unstable; urgency=medium\n\n  * Built from the repository at %s.\n\n -- edge-setup team <edge-setup@example.com>  %s\n",
			version, version, now.Format(time.RFC1123Z)))),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(work, name), data, 0o644); err != nil {
			return "", err
		}
	}
	if _, err := os.Stat(filepath.Join(repo, RemoteAccessUnit)); err != nil {
		return "", fmt.Errorf("the relay's systemd unit %s is missing: %w", RemoteAccessUnit, err)
	}
	vars := map[string]string{"VERSION": version, "ARCH": arch, "WORK": work, "REPO": repo, "UNIT": filepath.Join(repo, RemoteAccessUnit)}
	cfg, err := nfpm.ParseFileWithEnvMapping(filepath.Join(repo, nfpmConfig), func(k string) string { return vars[k] })
	if err != nil {
		return "", fmt.Errorf("%s: %w", nfpmConfig, err)
	}
	info, err := cfg.Get("deb")
	if err != nil {
		return "", err
	}
	info = nfpm.WithDefaults(info)
	if err := nfpm.PrepareForPackager(info, "deb"); err != nil {
		return "", err
	}
	pkg, err := nfpm.Get("deb")
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(outDir, pkg.ConventionalFileName(info))
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	if err := pkg.Package(info, f); err != nil {
		f.Close()
		return "", errors.Join(err, os.Remove(path))
	}
	return path, f.Close()
}

var tagVersion = regexp.MustCompile(`^v?(\d+\.\d+\.\d+)(?:-(\d+)-(g[0-9a-f]+))?$`)

// gitVersion is the version from the newest tag (v1.2.3, or 1.2.3+4.gabc
// four commits later), or 0.0.0~dev without a tag.
func gitVersion(repo string) string {
	cmd := exec.Command("git", "describe", "--tags", "--match", "v[0-9]*")
	cmd.Dir = repo
	out, err := cmd.Output()
	if v := debVersion(string(out)); err == nil && v != "" {
		return v
	}
	return "0.0.0~dev"
}

// debVersion is the Debian version of `git describe` output, "" for one
// that is not a version tag.
func debVersion(describe string) string {
	m := tagVersion.FindStringSubmatch(strings.TrimSpace(describe))
	switch {
	case m == nil:
		return ""
	case m[2] == "":
		return m[1]
	}
	return m[1] + "+" + m[2] + "." + m[3]
}

// gz compresses as lintian wants: best compression, no name or time.
func gz(data []byte) []byte {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	_, _ = w.Write(data)
	_ = w.Close()
	return b.Bytes()
}
