package remoteaccess

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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

func parseConnect(op tenantapi.Operation) (connectRequest, error) {
	m, _ := op.Fragments[tenantapi.FragmentRemoteAccessConnect].(map[string]any)
	var c connectRequest
	c.Host, _ = m["hostname"].(string)
	c.Key, _ = m["connectionKey"].(string)
	switch p := m["port"].(type) {
	case float64:
		c.Port = int(p)
	case string:
		c.Port, _ = strconv.Atoi(p)
	case json.Number:
		n, _ := p.Int64()
		c.Port = int(n)
	}
	switch {
	case c.Key == "":
		return c, errors.New("the operation carries no connectionKey")
	case c.Host == "":
		return c, errors.New("the operation carries no hostname")
	case c.Port < 1 || c.Port > 65535:
		return c, fmt.Errorf("the operation's port %v is not a TCP port", m["port"])
	}
	return c, nil
}

// session answers one operation: EXECUTING, then the TCP connection to
// the endpoint and the device WebSocket together, SUCCESSFUL once both are
// up (FAILED with the reason otherwise), then bytes both ways until either
// side closes.
func (r *Relay) session(ctx context.Context, op tenantapi.Operation) {
	start := time.Now()
	req, err := parseConnect(op)
	if err != nil {
		r.fail(ctx, op.ID, err.Error())
		return
	}
	addr := net.JoinHostPort(req.Host, strconv.Itoa(req.Port))
	// EXECUTING goes out while both connections are being opened (a round
	// trip less before the first byte); SUCCESSFUL or FAILED only after it.
	var wg sync.WaitGroup
	var tcp, ws net.Conn
	var tcpErr, wsErr, execErr error
	wg.Add(3)
	go func() {
		defer wg.Done()
		execErr = r.Client.UpdateOperation(ctx, r.Device, op.ID, tenantapi.OpExecuting, "")
	}()
	go func() {
		defer wg.Done()
		timeout := r.DialTimeout
		if timeout <= 0 {
			timeout = 10 * time.Second
		}
		d := net.Dialer{Timeout: timeout}
		tcp, tcpErr = d.DialContext(ctx, "tcp", addr)
	}()
	go func() {
		defer wg.Done()
		ws, wsErr = wire.DialDevice(ctx, r.Client, r.Device, req.Key)
	}()
	wg.Wait()
	if execErr != nil {
		r.logf("session %s: cannot set the operation EXECUTING (%s); not opening it", op.ID, tenantapi.Explain(execErr))
		for _, c := range []net.Conn{tcp, ws} {
			if c != nil {
				c.Close()
			}
		}
		return
	}
	if tcpErr != nil || wsErr != nil {
		reason := ""
		if tcpErr != nil {
			reason = TCPFailureReason(addr, tcpErr)
		} else {
			reason = "the Edge could not open the device WebSocket: " + tenantapi.Explain(wsErr)
		}
		// The reason is reported before the sockets close, so whoever
		// sees the session end can already read why.
		r.fail(ctx, op.ID, reason)
		if tcp != nil {
			tcp.Close()
		}
		if ws != nil {
			ws.Close()
		}
		return
	}
	if err := r.Client.UpdateOperation(ctx, r.Device, op.ID, tenantapi.OpSuccessful, ""); err != nil {
		r.logf("session %s: connected, but the operation could not be set SUCCESSFUL (%s)", op.ID, tenantapi.Explain(err))
	}
	r.logf("session %s: open to %s (after %s)", op.ID, addr, time.Since(start).Round(time.Millisecond))
	in, out := relayBytes(ctx, tcp, ws)
	r.logf("session %s: closed after %s, %s from the tenant, %s to it", op.ID, time.Since(start).Round(time.Second), size(in), size(out))
}

// fail sets the operation FAILED with reason (it is shown in the tenant).
func (r *Relay) fail(ctx context.Context, opID, reason string) {
	r.logf("session %s: failed: %s", opID, reason)
	if err := r.Client.UpdateOperation(ctx, r.Device, opID, tenantapi.OpFailed, reason); err != nil {
		r.logf("session %s: the failure could not be reported to the tenant (%s)", opID, tenantapi.Explain(err))
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

// relayBytes copies both ways until either side ends (or ctx), then closes
// both. It returns the bytes from the tenant and to it.
func relayBytes(ctx context.Context, tcp, ws net.Conn) (in, out int64) {
	done := make(chan struct{}, 2)
	var once sync.Once
	closeBoth := func() { once.Do(func() { tcp.Close(); ws.Close() }) }
	go func() {
		in, _ = io.CopyBuffer(tcp, ws, make([]byte, 64<<10))
		closeBoth()
		done <- struct{}{}
	}()
	go func() {
		out, _ = io.CopyBuffer(ws, tcp, make([]byte, 64<<10))
		closeBoth()
		done <- struct{}{}
	}()
	stop := context.AfterFunc(ctx, closeBoth)
	defer stop()
	<-done
	<-done
	return in, out
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
