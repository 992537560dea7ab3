package steps

import (
	"math/rand/v2"
	"time"
)

// Cadence decides how often the device asks the tenant for its credentials
// while it waits to be accepted. It is the one place the poll rhythm lives.
//
// Why these numbers (measured with cmd/edge-setup-bench, see the README):
//   - An operator who registers the Edge usually accepts it within minutes,
//     often while looking at this screen: for the first 10 minutes we poll
//     every 2 s, so "Accepted" appears about a second after the click on
//     average and within about two seconds at worst. The public SDKs poll
//     every 1 s (twice the requests for half a second less) or every 5 s
//     (twice the wait).
//   - Then every 10 s until an hour: by then the operator has usually
//     walked away, and the screen shows when the next attempt is due
//     (r polls at once).
//   - After an hour the device may have been forgotten; 60 s keeps a device
//     left waiting for a day at about 2,000 requests, against 86,400 for a
//     fixed 1 s poller.
//
// Failures (5xx, 429, network) are not part of this rhythm: they back off on
// their own, from 2 s doubling to 60 s, honouring Retry-After, with jitter so
// that many Edges recovering together do not arrive at once.
type Cadence struct {
	Phases  []CadencePhase
	Ceiling time.Duration // interval after the last phase

	RetryMin time.Duration
	RetryMax time.Duration
	// Jitter spreads retry delays by up to this fraction (0.2 = ±20 %).
	Jitter float64
}

// CadencePhase: poll every Interval until Until has passed since the start.
type CadencePhase struct {
	Until    time.Duration
	Interval time.Duration
}

// DefaultCadence is the rhythm the product uses.
var DefaultCadence = Cadence{
	Phases: []CadencePhase{
		{Until: 10 * time.Minute, Interval: 2 * time.Second},
		{Until: 60 * time.Minute, Interval: 10 * time.Second},
	},
	Ceiling:  60 * time.Second,
	RetryMin: 2 * time.Second,
	RetryMax: 60 * time.Second,
	Jitter:   0.2,
}

// FixedCadence polls every d whatever happens (what the public SDKs do); the
// bench compares against it.
func FixedCadence(d time.Duration) Cadence {
	return Cadence{Ceiling: d, RetryMin: d, RetryMax: d}
}

// Interval is the wait before the next poll when the last one said "not yet",
// elapsed being the time since polling started.
func (c Cadence) Interval(elapsed time.Duration) time.Duration {
	for _, p := range c.Phases {
		if elapsed < p.Until {
			return p.Interval
		}
	}
	return c.Ceiling
}

// Retry is the wait after the n-th consecutive failure (n >= 1). A server's
// Retry-After wins when it asks for longer.
func (c Cadence) Retry(n int, retryAfter time.Duration) time.Duration {
	d := c.RetryMin
	for i := 1; i < n && d < c.RetryMax; i++ {
		d *= 2
	}
	d = min(d, c.RetryMax)
	if c.Jitter > 0 {
		d = time.Duration(float64(d) * (1 + c.Jitter*(2*rand.Float64()-1)))
	}
	if retryAfter > d {
		d = min(retryAfter, 10*time.Minute)
	}
	return d
}

// RequestsIn counts the polls a device that is never accepted sends in d
// when every poll succeeds (the README's requests-per-hour figures).
func (c Cadence) RequestsIn(d time.Duration) int {
	n := 0
	for t := time.Duration(0); t < d; t += c.Interval(t) {
		n++
	}
	return n
}
