package databroker

import (
	"context"
	"time"

	"github.com/edge-setup/edge-setup/steps/clock"
)

// wait sleeps d, carrying out the operator's commands meanwhile; after a
// command it returns (the next look comes at once). It fails only when
// ctx ends.
func (r *linkRun) wait(ctx context.Context, d time.Duration, cmds <-chan LinkCommand) error {
	if d <= 0 {
		d = LinkPollWaiting
	}
	sleep := r.m.Sleep
	if sleep == nil {
		sleep = clock.Sleep
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	slept := make(chan error, 1)
	go func() { slept <- sleep(wctx, d) }()
	select {
	case err := <-slept:
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	case <-ctx.Done():
		cancel()
		<-slept
		return ctx.Err()
	case c := <-cmds:
		cancel()
		<-slept
		if c.Action != ActCheckNow {
			_ = r.act(ctx, c) // told in LinkActed; the next look shows its effect
		}
		return ctx.Err()
	}
}
