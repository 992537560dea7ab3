package databroker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/edge-setup/edge-setup/steps/clock"
)

// ErrLinkTimeout: the link was not active within the time given.
var ErrLinkTimeout = errors.New("the connector was not active within the time given")

// Follow looks at the link until it is active (with a cloud user: until the
// cloud's virtual group is there), the connector is gone, ctx ends or
// timeout passes (0: no limit). With auto and a cloud user it creates the
// data subscription and accepts it, once each. seen hears every look whose
// status changed. sleep waits (nil: real time, stopping with ctx).
func (b *Broker) Follow(ctx context.Context, id string, auto bool, timeout time.Duration,
	sleep func(context.Context, time.Duration) error, seen func(LinkOutcome)) (LinkOutcome, error) {
	if sleep == nil {
		sleep = sleepCtx
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	last, subscribed, accepted := "", false, false
	for {
		out := b.Poll(ctx, id)
		switch {
		case out.Fatal != nil && errors.Is(out.Fatal, context.DeadlineExceeded):
			return out, fmt.Errorf("%w (%s): it is %q", ErrLinkTimeout, timeout, last)
		case out.Fatal != nil:
			return out, out.Fatal
		}
		if out.Retrying == nil && out.Status != last {
			last = out.Status
			if seen != nil {
				seen(out)
			}
		}
		if out.Status == LinkActive && (b.Cloud == nil || out.Group != nil) {
			return out, nil
		}
		if auto && b.Cloud != nil {
			var err error
			switch {
			case out.Status == LinkNotSubscribed && !subscribed:
				subscribed, err = true, b.Subscribe(ctx, out.Connector.Code)
			case out.Status == LinkPending && !accepted:
				accepted, err = true, b.Accept(ctx, out.Connector.Code)
			}
			if err != nil {
				return out, err
			}
		}
		if err := sleep(ctx, out.Next); err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				return out, fmt.Errorf("%w (%s): it is %q", ErrLinkTimeout, timeout, last)
			}
			return out, err
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		d = LinkPollWaiting
	}
	return clock.Sleep(ctx, d)
}
