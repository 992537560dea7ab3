package remoteaccess

import (
	"context"
	"time"
)

// pacer bounds the relay's requests to the notification service whatever
// the server answers: a burst of pacerBurst, then one every pacerGap.
// Ordinary traffic stays under it: each session draws about three
// notifications (its operation, EXECUTING, SUCCESSFUL), so an Edge opening
// three sessions a second must never wait for a token, or the next
// operation's connect goes out late and its first byte with it (at 4 a
// second the bench's first byte took 420 ms instead of 250).
type pacer struct {
	clk    Clock
	tokens float64
	last   time.Time
}

const (
	pacerBurst = 30
	pacerGap   = 100 * time.Millisecond
)

// wait takes one token, sleeping until there is one (or ctx ends).
func (p *pacer) wait(ctx context.Context) error {
	now := p.clk.Now()
	if p.last.IsZero() {
		p.tokens, p.last = pacerBurst, now
	}
	p.tokens = min(pacerBurst, p.tokens+float64(now.Sub(p.last))/float64(pacerGap))
	p.last = now
	if p.tokens < 1 {
		d := time.Duration((1 - p.tokens) * float64(pacerGap))
		if err := sleepOn(ctx, p.clk, d); err != nil {
			return err
		}
		p.tokens, p.last = 1, p.clk.Now()
	}
	p.tokens--
	return nil
}

// sleepOn waits d on clk, or until ctx ends.
func sleepOn(ctx context.Context, clk Clock, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-clk.After(d):
		return nil
	}
}
