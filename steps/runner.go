package steps

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
)

// PlannedCommandsFile, under the root, records every command a sandboxed
// runner did not execute, one per line, so tests and operators can read the plan.
const PlannedCommandsFile = "var/lib/edge-setup/planned-commands.log"

// DefaultCommandTimeout bounds a system command that names no timeout.
const DefaultCommandTimeout = 2 * time.Minute

// Command is one system command.
type Command struct {
	Name    string
	Args    []string
	Timeout time.Duration // 0: DefaultCommandTimeout
}

// String is the command as an operator would type it.
func (c Command) String() string {
	parts := append([]string{c.Name}, c.Args...)
	for i, p := range parts {
		if p == "" || strings.ContainsAny(p, " \t'\"$;&|<>*?") {
			parts[i] = "'" + strings.ReplaceAll(p, "'", `'\''`) + "'"
		}
	}
	return strings.Join(parts, " ")
}

// Runner is the one way steps change the system through commands. With
// Execute false (any root other than "/") it runs nothing: it reports the
// command as Planned and appends it to PlannedCommandsFile under Root.
type Runner struct {
	Root    string
	Execute bool
	// Exec runs a command for real; nil uses os/exec. Tests replace it.
	Exec func(ctx context.Context, c Command) (output []byte, err error)

	mu      sync.Mutex
	planned []Command
}

// NewRunner returns a runner that executes only when root is "/".
func NewRunner(root string) *Runner {
	return &Runner{Root: root, Execute: root == "/" || root == ""}
}

// Run executes (or plans) c and reports it through emit. On failure the error
// carries the command and the tail of its output.
func (r *Runner) Run(ctx context.Context, emit Emit, c Command) (string, error) {
	if emit == nil {
		emit = func(Event) {}
	}
	if !r.Execute {
		r.mu.Lock()
		r.planned = append(r.planned, c)
		r.mu.Unlock()
		emit(Event{Kind: Planned, Name: c.Name, Detail: c.String()})
		return "", r.record(c)
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultCommandTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	run := r.Exec
	if run == nil {
		run = execCommand
	}
	out, err := run(ctx, c)
	if err != nil {
		tail := lastLines(string(out), 12)
		if tail != "" {
			emit(Event{Kind: Output, Name: c.Name, Detail: tail})
		}
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return string(out), fmt.Errorf("%s did not finish within %s and was stopped", c, timeout)
		}
		return string(out), fmt.Errorf("%s failed: %s", c, SystemReason(err))
	}
	return string(out), nil
}

// Planned returns the commands this runner did not execute, in order.
func (r *Runner) Planned() []Command {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Command(nil), r.planned...)
}

func (r *Runner) record(c Command) error {
	path := filepath.Join(r.Root, PlannedCommandsFile)
	f, err := edgeprops.OpenAppendUnder(r.Root, path, 0o644)
	if err != nil {
		return fmt.Errorf("recording the planned command %q: %w", c, err)
	}
	_, err = fmt.Fprintln(f, c.String())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func execCommand(ctx context.Context, c Command) ([]byte, error) {
	cmd := exec.CommandContext(ctx, c.Name, c.Args...)
	cmd.Env = commandEnv()
	buf := &boundedBuffer{max: maxCommandOutput}
	cmd.Stdout = buf
	cmd.Stderr = buf
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	return buf.b.Bytes(), err
}

// maxCommandOutput bounds what is kept of a command's output (lsblk's JSON
// of a large machine is a few hundred KiB): a runaway command cannot
// exhaust memory; the rest is read and dropped.
const maxCommandOutput = 4 << 20

type boundedBuffer struct {
	b   bytes.Buffer
	max int
}

func (w *boundedBuffer) Write(p []byte) (int, error) {
	if room := w.max - w.b.Len(); room > 0 {
		w.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
