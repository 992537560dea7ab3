package databroker

import (
	"context"
	"errors"
	"time"
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

// Follow runs the LinkMachine until the link is active (with a cloud user:
// until the cloud's virtual group is there), the connector is gone, ctx
// ends or timeout passes (0: no limit). seen hears every look whose status
// or trouble changed (LinkLooked.Changed). sleep waits (nil: real time).
func (b *Broker) Follow(ctx context.Context, id string, auto bool, timeout time.Duration,
	sleep func(context.Context, time.Duration) error, seen func(LinkOutcome)) (LinkOutcome, error) {
	m := &LinkMachine{Broker: b, ConnectorID: id, Auto: auto, UntilActive: true, Timeout: timeout, Sleep: sleep}
	return m.Run(ctx, func(ev LinkEvent) {
		if l, ok := ev.(LinkLooked); ok && l.Changed && seen != nil {
			seen(l.Out)
		}
	}, nil)
}
