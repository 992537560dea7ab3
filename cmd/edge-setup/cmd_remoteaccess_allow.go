package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/edge-setup/edge-setup/steps/remoteaccess"
	"github.com/edge-setup/edge-setup/steps/safetext"
)

// raAllow is `remote-access allow|deny HOST:PORT`: the relay's allow-list.
func raAllow(g *globals, verb string, args []string, stdout, stderr io.Writer) int {
	fs, code, ok := parseCommandFlags("remote-access "+verb, g, args, stderr, nil)
	if !ok {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "%s: give one HOST:PORT, e.g. 127.0.0.1:22\n", fs.Name())
		return exitUsage
	}
	s, closeAll, code, ok := startLockedSession(g, io.Discard, stderr)
	if !ok {
		return code
	}
	defer closeAll()
	entry, err := remoteaccess.ParseHostPort(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v (nothing was changed)\n", fs.Name(), err)
		return exitUsage
	}
	change := remoteaccess.Allow
	done, already := "allowed: the relay may connect to ", " was already allowed"
	if verb == "deny" {
		change = remoteaccess.Deny
		done, already = "denied: the relay no longer connects to ", " was not allowed"
	}
	changed, err := change(s.env.Props, entry)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", fs.Name(), err)
		return exitFailed
	}
	if changed {
		fmt.Fprintln(stdout, done+entry+" (/"+remoteaccess.AllowListFile+")")
	} else {
		fmt.Fprintln(stdout, entry+already)
	}
	return exitOK
}

// startPlainCommand parses a command that takes only the global flags
// and opens its session; nil and the exit code when that fails.
func startPlainCommand(name string, g *globals, args []string, stderr io.Writer) (*session, int) {
	fs, code, ok := parseCommandFlags(name, g, args, stderr, nil)
	if !ok {
		return nil, code
	}
	if !noArgs(fs, stderr) {
		return nil, exitUsage
	}
	s, ok := startSession(g, io.Discard, stderr)
	if !ok {
		return nil, exitFailed
	}
	return s, exitOK
}

// raAllowed is `remote-access allowed`: the list, one entry a line.
func raAllowed(g *globals, args []string, stdout, stderr io.Writer) int {
	s, code := startPlainCommand("remote-access allowed", g, args, stderr)
	if s == nil {
		return code
	}
	defer s.close()
	l, err := remoteaccess.LoadAllowList(s.env.Props)
	if err != nil {
		fmt.Fprintln(stderr, "edge-setup remote-access allowed:", err)
		return exitFailed
	}
	if len(l.Entries) == 0 {
		fmt.Fprintln(stderr, "nothing is allowed: the relay refuses every session (edge-setup remote-access allow HOST:PORT, or S)")
		return exitOK
	}
	fmt.Fprintln(stdout, strings.Join(l.Entries, "\n"))
	return exitOK
}

// raSession is `remote-access session`, started by serve ahead of need:
// it loads the Edge's connection from the root, then waits for one
// operation on stdin (the connectionKey never in argv) and runs it apart
// from serve, so a restart of serve keeps it. Closed stdin: nothing to do.
func raSession(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) int {
	s, code := startPlainCommand("remote-access session", g, args, stderr)
	if s == nil {
		return code
	}
	defer s.close()
	edge, err := remoteaccess.StoredEdge(s.env.Props)
	if err != nil {
		fmt.Fprintln(stderr, "edge-setup remote-access session:", err)
		return exitFailed
	}
	client, err := s.env.NewClient(edge.URL)
	if err != nil {
		fmt.Fprintln(stderr, "edge-setup remote-access session:", err)
		return exitFailed
	}
	defer client.Close()
	var req remoteaccess.SessionRequest
	if err := json.NewDecoder(io.LimitReader(os.Stdin, 64<<10)).Decode(&req); err != nil || req.OperationID == "" || req.Addr == "" {
		if errors.Is(err, io.EOF) {
			return exitOK // serve stopped before it needed this one
		}
		fmt.Fprintln(stderr, "edge-setup remote-access session: serve starts this command with the session on stdin; it is not for operators")
		return exitUsage
	}
	line := func(l string) { fmt.Fprintf(stdout, "%s %s\n", time.Now().UTC().Format(time.RFC3339), l) }
	remoteaccess.Session{Client: client, Device: edge.Device, Log: line}.Run(ctx, req)
	return exitOK
}

// sessionSpawner starts `edge-setup --root ROOT remote-access session`
// processes, one kept ready ahead (its start-up is off the first byte's
// path), each in a process group of its own (a Ctrl+C or a stop of serve
// does not reach it), writing to serve's stdout; the request goes on stdin.
type sessionSpawner struct {
	root  string
	mu    sync.Mutex
	spare *readySession
}

type readySession struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
}

func (p *sessionSpawner) start() (*readySession, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, "--root", p.root, "remote-access", "session")
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	// The files themselves, not pipes through serve: a session outlives it.
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.Env = sessionEnv()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("cannot start a session process: %s", safetext.Line(err.Error()))
	}
	return &readySession{cmd: cmd, stdin: in}, nil
}

// spawn hands req to the ready process (or a new one) and readies the next.
func (p *sessionSpawner) spawn(req remoteaccess.SessionRequest) (func() error, error) {
	p.mu.Lock()
	r := p.spare
	p.spare = nil
	p.mu.Unlock()
	if r == nil {
		var err error
		if r, err = p.start(); err != nil {
			return nil, err
		}
	}
	data, _ := json.Marshal(req)
	_, err := r.stdin.Write(data)
	r.stdin.Close()
	if err != nil {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
		return nil, fmt.Errorf("cannot hand the session to its process: %v", err)
	}
	go p.ready()
	return r.cmd.Wait, nil
}

// ready starts the spare when there is none.
func (p *sessionSpawner) ready() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.spare != nil {
		return
	}
	if r, err := p.start(); err == nil {
		p.spare = r
	}
}

// close ends the spare (it has no session yet).
func (p *sessionSpawner) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.spare != nil {
		p.spare.stdin.Close()
		_ = p.spare.cmd.Wait()
		p.spare = nil
	}
}

// sessionEnv is this process's environment without the secrets of the
// command line's users (a session needs only the proxy and trust settings).
func sessionEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.Contains(name, "PASSWORD") || name == "C8Y_USER" || name == "C8Y_TENANT" {
			continue
		}
		out = append(out, kv)
	}
	return out
}
