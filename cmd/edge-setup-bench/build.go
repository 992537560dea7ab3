package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Building what the bench measures: the module root, go build, and the
// minimal Go program the console's start is compared with.

// moduleRoot is the directory of the go.mod the go command sees from here.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("not inside the edge-setup module: run the bench from the repository")
	}
	return filepath.Dir(gomod), nil
}

func goBuild(dir, out string, args ...string) error {
	cmd := exec.Command("go", append(append([]string{"build", "-o", out}, args...), "./cmd/edge-setup")...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return nil
}

// baselineSource is the smallest Go program that writes to the terminal and
// waits: what starting any Go binary in this pty costs on this machine.
const baselineSource = `package main

import "os"

func main() {
	os.Stdout.WriteString("ready\n")
	b := make([]byte, 1)
	os.Stdin.Read(b)
}
`

func buildBaseline(dir string) (string, error) {
	src := filepath.Join(dir, "baseline")
	if err := os.MkdirAll(src, 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(src, "main.go"), []byte(baselineSource), 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte("module baseline\n\ngo 1.22\n"), 0o644); err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "baseline-bin")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the baseline program: %v\n%s", err, out)
	}
	return bin, nil
}
