// Package remoteaccess is the Cloud Remote Access workflow of option S:
// the checks, the endpoints, the key pair and authorized_keys, the host
// key, the proof through the tenant, and the relay that answers the
// c8y_RemoteAccessConnect operations on the device side. The wire protocol
// is in tenantapi/remoteaccess; nothing here draws a screen.
package remoteaccess

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps/clock"
	"github.com/edge-setup/edge-setup/steps/safetext"
	"github.com/edge-setup/edge-setup/tenantapi"
	wire "github.com/edge-setup/edge-setup/tenantapi/remoteaccess"
)

// Relay is the device side of remote access: it learns of
// c8y_RemoteAccessConnect operations (real-time notifications, with REST
// polling while they do not work), and for each one connects the local
// TCP endpoint to the session's device WebSocket. Sessions run on their
// own: a slow or broken one never holds up the next.
type Relay struct {
	Client   *tenantapi.Client
	Device   tenantapi.Credentials // the Edge's device credentials
	DeviceMO string                // the Edge's managed object id
	// Poll is the REST polling interval while notifications do not work;
	// default DefaultPoll.
	Poll time.Duration
	// DialTimeout bounds the TCP connection to the endpoint; default 10 s.
	DialTimeout time.Duration
	// Log receives one line per event (session opened, closed, failed);
	// the text is already made safe. Nil discards.
	Log func(line string)
	// Ready, when set, is called once the relay listens (notifications
	// subscribed or polling started).
	Ready func(how string)
	// Props is the Edge's root: the allow-list is read from it for every
	// operation. Nil allows nothing.
	Props *edgeprops.Store
	// MaxSessions bounds the sessions open at once; more end FAILED
	// "busy" at once. Default DefaultMaxSessions.
	MaxSessions int
	// IdleTimeout closes a session no byte crossed for that long; default
	// DefaultIdleTimeout. Clock is the time it reads (nil: the real one).
	IdleTimeout time.Duration
	Clock       Clock
	// Spawn, when set, runs each permitted session in a process of its
	// own (so restarting the relay keeps it) and returns a wait for its
	// end; nil runs sessions in this process.
	Spawn func(SessionRequest) (wait func() error, err error)

	troubled bool // notifications failed since the last log line said so (listen's goroutine only)

	mu     sync.Mutex
	seen   map[string]time.Time // operations taken, pruned after a day
	wg     sync.WaitGroup
	active int
}

// DefaultPoll is the REST polling interval while notifications fail;
// MinPoll is the shortest accepted.
const (
	DefaultPoll = 5 * time.Second
	MinPoll     = time.Second
)

// DefaultMaxSessions fits a small Edge: each session holds two sockets,
// two 256 KiB copy buffers and, as a process of its own,
// about 10 MB.
const DefaultMaxSessions = 16

// Serve runs until ctx ends; then it closes the open sessions and returns
// nil. It returns an error only when the device cannot even be asked
// (credentials refused): retrying would not help.
func (r *Relay) Serve(ctx context.Context) error {
	r.mu.Lock()
	r.seen = map[string]time.Time{}
	r.mu.Unlock()
	sessCtx, stopSessions := context.WithCancel(context.Background())
	defer func() {
		stopSessions()
		r.wg.Wait()
	}()
	if err := r.pollOnce(ctx, sessCtx); err != nil && (errors.Is(err, tenantapi.ErrUnauthorized) || errors.Is(err, tenantapi.ErrForbidden)) {
		return fmt.Errorf("the tenant refused the Edge's device credentials (%s): run option 7 to register the Edge again", tenantapi.Explain(err))
	}
	r.listen(ctx, sessCtx)
	return nil
}

// Active is the number of sessions open now.
func (r *Relay) Active() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.active
}

func (r *Relay) logf(format string, args ...any) {
	if r.Log != nil {
		r.Log(safetext.Line(fmt.Sprintf(format, args...)))
	}
}

func (r *Relay) poll() time.Duration {
	if r.Poll > 0 {
		return r.Poll
	}
	return DefaultPoll
}

func (r *Relay) maxSessions() int {
	if r.MaxSessions > 0 {
		return r.MaxSessions
	}
	return DefaultMaxSessions
}

// listen keeps a notification client subscribed to the device's channel,
// obeying the server's advice (interval, reconnect) with every request
// paced (a pacer bounds them whatever the server says). While that fails
// it polls the REST API and tries the notifications again after a
// growing pause (2 s doubling to 60 s); the trouble is logged once, and
// its end.
func (r *Relay) listen(ctx, sessCtx context.Context) {
	clk := r.clock()
	p := &pacer{clk: clk}
	backoff := 2 * time.Second
	ready := false
	for ctx.Err() == nil {
		if p.wait(ctx) != nil {
			return
		}
		n := &wire.Notifications{Client: r.Client, Creds: r.Device}
		err := n.Handshake(ctx)
		if err == nil {
			err = n.Subscribe(ctx, "/"+r.DeviceMO)
		}
		if err == nil {
			if !ready && r.Ready != nil {
				r.Ready("real-time notifications")
			}
			ready = true
			// What arrived while not subscribed, read beside the first
			// connect: that one is then already waiting for the next.
			polled := make(chan struct{})
			go func() { defer close(polled); _ = r.pollOnce(ctx, sessCtx) }()
			var connects int
			connects, err = r.connectLoop(ctx, sessCtx, n, p)
			<-polled
			dctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			n.Disconnect(dctx)
			cancel()
			if ctx.Err() != nil {
				return
			}
			if errors.Is(err, wire.ErrRehandshake) && connects > 0 {
				backoff = 2 * time.Second
				continue
			}
		}
		if errors.Is(err, wire.ErrNoReconnect) {
			backoff = 60 * time.Second
		}
		if !r.troubled {
			r.logf("real-time notifications do not work (%s): polling every %s and trying them again with a growing pause",
				tenantapi.Explain(err), r.poll())
			r.troubled = true
		}
		if !ready && r.Ready != nil {
			r.Ready("REST polling")
		}
		ready = true
		deadline := clk.Now().Add(backoff)
		for ctx.Err() == nil && clk.Now().Before(deadline) {
			_ = r.pollOnce(ctx, sessCtx)
			_ = sleepOn(ctx, clk, min(r.poll(), deadline.Sub(clk.Now())))
		}
		backoff = min(backoff*2, 60*time.Second)
	}
}

func (r *Relay) clock() Clock {
	if r.Clock != nil {
		return r.Clock
	}
	return realClock{}
}

// connectLoop long-polls until an error; it returns how many connects
// succeeded.
func (r *Relay) connectLoop(ctx, sessCtx context.Context, n *wire.Notifications, p *pacer) (int, error) {
	ok := 0
	for {
		if err := sleepOn(ctx, r.clock(), n.Interval()); err != nil {
			return ok, err
		}
		if err := p.wait(ctx); err != nil {
			return ok, err
		}
		msgs, err := n.Connect(ctx)
		for _, m := range msgs {
			if m.Action != "CREATE" && m.Action != "UPDATE" {
				continue
			}
			var op tenantapi.Operation
			if json.Unmarshal(m.Data, &op) == nil {
				r.take(sessCtx, op)
			}
		}
		if err != nil {
			return ok, err
		}
		if ok++; r.troubled {
			r.logf("real-time notifications work again")
			r.troubled = false
		}
	}
}

// pollOnce reads the device's PENDING operations.
func (r *Relay) pollOnce(ctx, sessCtx context.Context) error {
	ops, err := r.Client.Operations(ctx, r.Device, r.DeviceMO, tenantapi.OpPending)
	if err != nil {
		return err
	}
	for _, op := range ops {
		r.take(sessCtx, op)
	}
	return nil
}

// take starts a session for a new PENDING c8y_RemoteAccessConnect.
func (r *Relay) take(ctx context.Context, op tenantapi.Operation) {
	if op.Status != tenantapi.OpPending || op.ID == "" {
		return
	}
	if _, ok := op.Fragments[tenantapi.FragmentRemoteAccessConnect]; !ok {
		return
	}
	r.mu.Lock()
	if _, ok := r.seen[op.ID]; ok {
		r.mu.Unlock()
		return
	}
	now := time.Now()
	if len(r.seen) > 10000 { // a relay running for months keeps a bounded memory
		for id, at := range r.seen {
			if now.Sub(at) > 24*time.Hour {
				delete(r.seen, id)
			}
		}
	}
	r.seen[op.ID] = now
	if r.active >= r.maxSessions() {
		r.mu.Unlock()
		r.fail(op.ID, fmt.Sprintf("busy: this Edge already has %d remote access sessions open (its limit); close one and try again", r.maxSessions()))
		return
	}
	r.active++
	r.wg.Add(1)
	r.mu.Unlock()
	go func() {
		defer func() {
			r.mu.Lock()
			r.active--
			r.mu.Unlock()
			r.wg.Done()
		}()
		r.session(ctx, op)
	}()
}

func sleep(ctx context.Context, d time.Duration) {
	if d > 0 {
		_ = clock.Sleep(ctx, d)
	}
}
