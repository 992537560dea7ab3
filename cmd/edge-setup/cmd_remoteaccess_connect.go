package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/remoteaccess"
	"github.com/edge-setup/edge-setup/steps/safetext"
	"github.com/edge-setup/edge-setup/tenantapi"
	wire "github.com/edge-setup/edge-setup/tenantapi/remoteaccess"
)

// raConnect is `remote-access connect`: a local TCP port (or stdin and
// stdout, for ssh's ProxyCommand) whose every connection becomes a session
// through the tenant on the Edge's PASSTHROUGH endpoint, as go-c8y-cli's
// `remoteaccess server` does.
func raConnect(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) int {
	var listen string
	var stdio bool
	fs, code, ok := parseCommandFlags("remote-access connect", g, args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&listen, "listen", "127.0.0.1:0", "local `address` to listen on (port 0: any free port; anything but loopback is warned about)")
		fs.BoolVar(&stdio, "stdio", false, "one session on stdin/stdout (ssh -o ProxyCommand='edge-setup remote-access connect --stdio' ...)")
	})
	if !ok {
		return code
	}
	if !noArgs(fs, stderr) {
		return exitUsage
	}
	if g.demo {
		fmt.Fprintln(stderr, "edge-setup remote-access connect: use --root with the demo's sandbox root (shown in its banner) instead of --demo")
		return exitUsage
	}
	s, ok := startSession(g, io.Discard, stderr)
	if !ok {
		return exitFailed
	}
	defer s.close()
	user := raUser(fs, s.env.Env, stderr)
	if user == nil {
		return exitUsage
	}
	client, moID, cfgID, err := passthroughTarget(ctx, s.env.Env, *user)
	if err != nil {
		fmt.Fprintln(stderr, "edge-setup remote-access connect:", err)
		return exitFailed
	}
	defer client.Close()
	if stdio {
		conn, err := wire.DialClient(ctx, client, *user, moID, cfgID)
		if err != nil {
			fmt.Fprintln(stderr, "edge-setup remote-access connect:", tenantapi.Explain(err))
			return exitFailed
		}
		// Either end finishing ends the session; a read blocked on stdin
		// is left to the process exit.
		done := make(chan struct{}, 2)
		go func() { _, _ = io.Copy(conn, os.Stdin); done <- struct{}{} }()
		go func() { _, _ = io.Copy(os.Stdout, conn); done <- struct{}{} }()
		<-done
		conn.Close()
		return exitOK
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		fmt.Fprintf(stderr, "edge-setup remote-access connect: cannot listen on %s: %v\n", listen, err)
		return exitFailed
	}
	if w := listenWarning(ln.Addr(), user.Login()); w != "" {
		fmt.Fprintln(stderr, w)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	fmt.Fprintf(stdout, "listening on %s: connect with ssh -p %s USER@127.0.0.1 (Ctrl+C stops)\n", ln.Addr(), port)
	go func() { <-ctx.Done(); ln.Close() }()
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		local, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return exitOK
			}
			fmt.Fprintln(stderr, "edge-setup remote-access connect:", err)
			return exitFailed
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			remote, err := wire.DialClient(ctx, client, *user, moID, cfgID)
			if err != nil {
				local.Close()
				fmt.Fprintln(stderr, "session refused:", safetext.Line(tenantapi.Explain(err)))
				return
			}
			fmt.Fprintf(stdout, "session from %s opened\n", local.RemoteAddr())
			pipeConns(remote, local)
			fmt.Fprintf(stdout, "session from %s closed after %s\n", local.RemoteAddr(), time.Since(start).Round(time.Second))
		}()
	}
}

// passthroughTarget finds this Edge's PASSTHROUGH endpoint.
func passthroughTarget(ctx context.Context, env *steps.Env, user tenantapi.Credentials) (*tenantapi.Client, string, string, error) {
	edge, err := remoteaccess.StoredEdge(env.Props)
	if err != nil {
		return nil, "", "", err
	}
	client, err := env.NewClient(edge.URL)
	if err != nil {
		return nil, "", "", err
	}
	if err := edge.Prove(ctx, env.Props, client); err != nil {
		client.Close()
		return nil, "", "", err
	}
	list, err := client.RemoteAccessConfigs(ctx, user, edge.MOID)
	if err != nil {
		client.Close()
		return nil, "", "", errors.New("reading the endpoints failed: " + tenantapi.Explain(err))
	}
	cfg, _ := remoteaccess.FindEndpoint(list, remoteaccess.NamePassthrough)
	if cfg == nil {
		client.Close()
		return nil, "", "", errors.New("this Edge has no endpoint \"" + remoteaccess.NamePassthrough + "\": run S (or edge-setup remote-access setup) first")
	}
	return client, edge.MOID, cfg.ID, nil
}

// pipeConns copies both ways until either side ends, then closes both.
func pipeConns(a, b io.ReadWriteCloser) {
	var once sync.Once
	closeBoth := func() { once.Do(func() { a.Close(); b.Close() }) }
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(a, b); closeBoth(); done <- struct{}{} }()
	go func() { _, _ = io.Copy(b, a); closeBoth(); done <- struct{}{} }()
	<-done
	<-done
}

// listenWarning is said when connect listens beyond loopback.
func listenWarning(a net.Addr, login string) string {
	if tcp, ok := a.(*net.TCPAddr); ok && tcp.IP.IsLoopback() {
		return ""
	}
	return fmt.Sprintf("warning: %s is reachable from other machines: whoever reaches it gets a session to this Edge's sshd through the tenant as %s; listen on 127.0.0.1 unless that is meant", a, safetext.Line(login))
}
