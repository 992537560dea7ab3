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

// ErrCloudFailing: the cloud tenant kept answering with an error.
var ErrCloudFailing = errors.New("the cloud tenant keeps failing")

// MaxFailedLooks is how many looks in a row the cloud (or the Edge) may
// fail before Follow stops with what it answered: a misbehaving tenant is
// shown, not waited out.
const MaxFailedLooks = 5

// Trouble is what went wrong in a look ("" when nothing did).
func (o LinkOutcome) Trouble() string {
	switch {
	case o.Retrying != nil:
		return o.Retrying.Error()
	case o.CloudWarning != nil:
		return o.CloudWarning.Error()
	}
	return ""
}

// Follow looks at the link until it is active (with a cloud user: until the
// cloud's virtual group is there), the connector is gone, ctx ends or
// timeout passes (0: no limit). With auto and a cloud user it creates the
// data subscription and accepts it, once each. seen hears every look whose
// status or trouble (Trouble) changed; after MaxFailedLooks troubled looks
// in a row it stops with ErrCloudFailing and what the tenant answered. sleep waits (nil: real time, stopping with ctx).
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
	last, lastTrouble, subscribed, accepted, failed := "", "", false, false, 0
	timedOut := func() error {
		if lastTrouble != "" {
			return fmt.Errorf("%w (%s): it is %q; the last answer: %s", ErrLinkTimeout, timeout, last, lastTrouble)
		}
		return fmt.Errorf("%w (%s): it is %q", ErrLinkTimeout, timeout, last)
	}
	for {
		out := b.Poll(ctx, id)
		switch {
		case out.Fatal != nil && errors.Is(out.Fatal, context.DeadlineExceeded):
			return out, timedOut()
		case out.Fatal != nil:
			return out, out.Fatal
		}
		trouble := out.Trouble()
		if (out.Retrying == nil && out.Status != last) || trouble != lastTrouble {
			if out.Retrying == nil {
				last = out.Status
			}
			lastTrouble = trouble
			if seen != nil {
				seen(out)
			}
		}
		failed++
		if trouble == "" {
			failed = 0
		}
		if failed >= MaxFailedLooks {
			return out, fmt.Errorf("%w: %s. The connector is saved on the Edge; run this again (or follow it in B) once the tenant answers", ErrCloudFailing, trouble)
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
				return out, timedOut()
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
