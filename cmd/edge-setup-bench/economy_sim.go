package main

import (
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// The simulated world of an economy trial: the clock, the network's
// round trip and the operator who accepts the request.

// simEpoch is the simulated moment polling starts.
var simEpoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// simClock is a manual clock, shared by the client side and the tenant.
type simClock struct {
	mu sync.Mutex
	t  time.Time
}

func newSimClock() *simClock { return &simClock{t: simEpoch} }

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *simClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Since is the simulated time since polling started.
func (c *simClock) Since() time.Duration { return c.Now().Sub(simEpoch) }

// latencyTransport models the network on the simulated clock: a request
// reaches the tenant rtt/2 after it was sent and its answer arrives rtt/2
// after the tenant served it. It counts the requests sent.
type latencyTransport struct {
	base  http.RoundTripper
	clock *simClock
	rtt   time.Duration
	sent  atomic.Int64
}

func (t *latencyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.sent.Add(1)
	t.clock.Advance(t.rtt / 2)
	resp, err := t.base.RoundTrip(r)
	t.clock.Advance(t.rtt - t.rtt/2)
	return resp, err
}

// operator is the person in front of the tenant's Device Management: the
// request was registered at t=0, and they click Accept at acceptAt, or at
// the first moment after it when the request is PENDING_ACCEPTANCE (the
// tenant accepts only from there, and a request becomes pending when the
// device has polled once). The tenant's state matters only when it serves
// a request, so the click is applied just before the first request served
// at or after acceptAt; when it counts as made is recorded in acceptedAt.
type operator struct {
	mu           sync.Mutex
	sim          *tenantsim.Sim
	clock        *simClock
	deviceID     string
	acceptAt     time.Duration // < 0: never
	pendingSince time.Duration // -1 until the request was seen pending
	accepted     bool
	acceptedAt   time.Duration
	err          error
}

func (o *operator) tick() {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := o.clock.Since()
	status, ok := o.sim.RequestStatus(o.deviceID)
	pending := ok && status == tenantsim.StatusPending
	if pending && o.pendingSince < 0 {
		o.pendingSince = now
	}
	if o.acceptAt < 0 || o.accepted || !pending || now < o.acceptAt {
		return
	}
	if err := o.sim.Accept(o.deviceID); err != nil {
		o.err = err
		return
	}
	o.accepted = true
	o.acceptedAt = max(o.acceptAt, o.pendingSince)
}
