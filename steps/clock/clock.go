// Package clock holds the waiting that the workflows (the registration of
// option 7, the Data Broker link, the remote access relay) share.
package clock

import (
	"context"
	"time"
)

// Sleep waits d, or until ctx ends: then it returns ctx.Err().
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
