package remoteaccess

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/edge-setup/edge-setup/tenantapi"
	wire "github.com/edge-setup/edge-setup/tenantapi/remoteaccess"
)

// connectRequest is the c8y_RemoteAccessConnect fragment.
type connectRequest struct {
	Host string
	Port int
	Key  string
}

// maxFragmentText bounds the hostname and connectionKey taken from an operation.
const maxFragmentText = 1024

func parseConnect(op tenantapi.Operation) (connectRequest, error) {
	m, _ := op.Fragments[tenantapi.FragmentRemoteAccessConnect].(map[string]any)
	var c connectRequest
	c.Host, _ = m["hostname"].(string)
	c.Key, _ = m["connectionKey"].(string)
	c.Port = -1
	switch p := m["port"].(type) {
	case float64:
		if p == float64(int(p)) {
			c.Port = int(p)
		}
	case string:
		if n, err := strconv.Atoi(p); err == nil {
			c.Port = n
		}
	case json.Number:
		if n, err := p.Int64(); err == nil && n >= 0 && n <= 65535 {
			c.Port = int(n)
		}
	}
	switch {
	case c.Key == "":
		return c, errors.New("the operation carries no connectionKey")
	case len(c.Key) > maxFragmentText || len(c.Host) > maxFragmentText:
		return c, errors.New("the operation's hostname or connectionKey is too long")
	case c.Host == "":
		return c, errors.New("the operation carries no hostname")
	case c.Port < 1 || c.Port > 65535:
		return c, fmt.Errorf("the operation's port %v is not a TCP port", m["port"])
	}
	return c, nil
}

// SessionRequest is what one session needs besides the Edge's own
// connection: the operation, its connectionKey and the address the
// allow-list let it dial. It is handed to a session process on stdin
// (never in argv: the key opens the device end).
type SessionRequest struct {
	OperationID string `json:"operationId"`
	Key         string `json:"connectionKey"`
	Addr        string `json:"addr"` // ip:port, already permitted
}

// session decides on one operation: the allow-list first (no connection
// for a target it does not name), then the session, in this process or
// in its own.
func (r *Relay) session(ctx context.Context, op tenantapi.Operation) {
	req, err := parseConnect(op)
	if err != nil {
		r.fail(op.ID, err.Error())
		return
	}
	addr, err := r.permit(ctx, req)
	if err != nil {
		r.fail(op.ID, err.Error())
		return
	}
	sr := SessionRequest{OperationID: op.ID, Key: req.Key, Addr: addr}
	if r.Spawn != nil {
		wait, err := r.Spawn(sr)
		if err != nil {
			r.fail(op.ID, "the Edge could not start the session: "+err.Error())
			return
		}
		// The relay stopping does not wait for (nor end) the session.
		ended := make(chan error, 1)
		go func() { ended <- wait() }()
		select {
		case err := <-ended:
			if err != nil {
				r.logf("session %s: its process ended with %v", op.ID, err)
			}
		case <-ctx.Done():
		}
		return
	}
	r.sessionSpec().Run(ctx, sr)
}

func (r *Relay) permit(ctx context.Context, req connectRequest) (string, error) {
	if r.Props == nil {
		return "", &NotAllowedError{Target: net.JoinHostPort(req.Host, strconv.Itoa(req.Port))}
	}
	l, err := LoadAllowList(r.Props)
	if err != nil {
		return "", fmt.Errorf("the Edge cannot read its remote access allow-list: %v", err)
	}
	return l.Permit(ctx, req.Host, req.Port)
}

func (r *Relay) sessionSpec() Session {
	return Session{Client: r.Client, Device: r.Device, DialTimeout: r.DialTimeout, IdleTimeout: r.IdleTimeout, Clock: r.Clock, Log: r.Log}
}

// fail sets the operation FAILED with reason (it is shown in the tenant).
func (r *Relay) fail(opID, reason string) { r.sessionSpec().fail(opID, reason) }

// Session runs one remote access session: the same code in the relay's
// process (tests, the demo) and in a session process of its own.
type Session struct {
	Client      *tenantapi.Client
	Device      tenantapi.Credentials
	DialTimeout time.Duration // default 10 s
	IdleTimeout time.Duration // default DefaultIdleTimeout
	Clock       Clock         // nil: the real one
	Log         func(line string)
}

// DefaultIdleTimeout closes a session no byte crossed for that long (the
// platform closes idle remote access sessions after an hour too).
const DefaultIdleTimeout = time.Hour

// statusTimeout bounds a status update; it is sent even while stopping,
// so no operation stays EXECUTING.
const statusTimeout = 15 * time.Second

func (s Session) logf(format string, args ...any) {
	(&Relay{Log: s.Log}).logf(format, args...)
}

// Run answers one permitted operation: EXECUTING, the TCP connection and
// the device WebSocket together; once both sockets are up the bytes flow
// at once, without waiting for the tenant's answer to EXECUTING (a round
// trip on the first byte's path), and SUCCESSFUL follows EXECUTING beside
// them (FAILED with the reason otherwise; a refused EXECUTING closes the
// session). Then bytes both ways until either side closes, ctx ends or no
// byte crossed for IdleTimeout.
func (s Session) Run(ctx context.Context, req SessionRequest) {
	start := time.Now()
	executing := make(chan error, 1)
	go func() { executing <- s.status(req.OperationID, tenantapi.OpExecuting, "") }()
	var wg sync.WaitGroup
	var tcp, ws net.Conn
	var tcpErr, wsErr error
	wg.Add(2)
	go func() {
		defer wg.Done()
		timeout := s.DialTimeout
		if timeout <= 0 {
			timeout = 10 * time.Second
		}
		d := net.Dialer{Timeout: timeout}
		tcp, tcpErr = d.DialContext(ctx, "tcp", req.Addr)
	}()
	go func() {
		defer wg.Done()
		ws, wsErr = wire.DialDevice(ctx, s.Client, s.Device, req.Key)
	}()
	wg.Wait()
	if tcpErr != nil || wsErr != nil {
		for _, c := range []net.Conn{tcp, ws} {
			if c != nil {
				defer c.Close() // after the reason is reported, so whoever sees the end can read why
			}
		}
		if err := <-executing; err != nil {
			s.logExecutingRefused(req.OperationID, err)
			return
		}
		if tcpErr != nil {
			s.fail(req.OperationID, TCPFailureReason(req.Addr, tcpErr))
		} else {
			s.fail(req.OperationID, "the Edge could not open the device WebSocket: "+tenantapi.Explain(wsErr))
		}
		return
	}
	copyCtx, stopCopy := context.WithCancel(ctx)
	defer stopCopy()
	reported := make(chan struct{})
	go func() {
		defer close(reported)
		if err := <-executing; err != nil {
			s.logExecutingRefused(req.OperationID, err)
			stopCopy()
			return
		}
		if err := s.status(req.OperationID, tenantapi.OpSuccessful, ""); err != nil {
			s.logf("session %s: connected, but the operation could not be set SUCCESSFUL (%s)", req.OperationID, tenantapi.Explain(err))
		}
	}()
	s.logf("session %s: open to %s (after %s)", req.OperationID, req.Addr, time.Since(start).Round(time.Millisecond))
	in, out, idle := relayBytes(copyCtx, tcp, ws, s.IdleTimeout, s.Clock)
	<-reported
	why := ""
	if idle {
		why = " (idle)"
	}
	s.logf("session %s: closed%s after %s, %s from the tenant, %s to it", req.OperationID, why, time.Since(start).Round(time.Second), size(in), size(out))
}

func (s Session) logExecutingRefused(opID string, err error) {
	s.logf("session %s: cannot set the operation EXECUTING (%s); the session is not kept open", opID, tenantapi.Explain(err))
}

func (s Session) status(opID, status, reason string) error {
	ctx, cancel := context.WithTimeout(context.Background(), statusTimeout)
	defer cancel()
	return s.Client.UpdateOperation(ctx, s.Device, opID, status, reason)
}

func (s Session) fail(opID, reason string) {
	s.logf("session %s: failed: %s", opID, reason)
	if err := s.status(opID, tenantapi.OpFailed, reason); err != nil {
		s.logf("session %s: the failure could not be reported to the tenant (%s)", opID, tenantapi.Explain(err))
	}
}

// TCPFailureReason is the failureReason of a session whose endpoint could
// not be reached: the words "connection refused" name a stopped sshd, which
// the proof recognises.
func TCPFailureReason(addr string, err error) string {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("connection refused by %s on the Edge: no SSH server listens there; start sshd or correct the endpoint's port", addr)
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return fmt.Sprintf("no answer from %s on the Edge within the timeout: a firewall drops the connection or the host is wrong", addr)
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return fmt.Sprintf("the Edge cannot resolve the endpoint's host %s: correct the endpoint's host", dns.Name)
	}
	return fmt.Sprintf("the Edge cannot connect to %s: %v", addr, err)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
