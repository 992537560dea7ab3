package remoteaccess

import (
	"context"
	"errors"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// ServeOptions configure RunRelay.
type ServeOptions struct {
	Props     *edgeprops.Store
	NewClient func(baseURL string) (*tenantapi.Client, error)
	Log       func(line string) // one line per event, already safe
	Ready     func(edge *Edge, how string)
	Poll      time.Duration // REST polling while notifications fail
	// MaxSessions bounds the open sessions (default DefaultMaxSessions).
	MaxSessions int
	// Spawn runs each session in a process of its own (see Relay.Spawn).
	Spawn func(SessionRequest) (wait func() error, err error)
}

// RunRelay is `edge-setup remote-access serve`: it proves the Edge's
// connection (retrying while the tenant cannot be reached, as at boot)
// and relays sessions until ctx ends. It returns nil on a clean stop and
// an error when the Edge is not connected or its credentials are refused.
func RunRelay(ctx context.Context, o ServeOptions) error {
	log := o.Log
	if log == nil {
		log = func(string) {}
	}
	edge, err := StoredEdge(o.Props)
	if err != nil {
		return err
	}
	client, err := o.NewClient(edge.URL)
	if err != nil {
		return err
	}
	defer client.Close()
	wait := 2 * time.Second
	for {
		err := edge.Prove(ctx, o.Props, client)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, ErrEdgeNotKnown) {
			return err
		}
		log("cannot reach the tenant yet (" + err.Error() + "); trying again in " + wait.String())
		sleep(ctx, wait)
		wait = min(wait*2, time.Minute)
	}
	if l, err := LoadAllowList(o.Props); err != nil {
		log("the allow-list cannot be read (" + err.Error() + "): every session is refused until it is corrected")
	} else {
		log("allowed on this Edge: " + l.String())
	}
	r := &Relay{Client: client, Device: edge.Device, DeviceMO: edge.MOID, Poll: o.Poll, Log: log, Props: o.Props,
		MaxSessions: o.MaxSessions, Spawn: o.Spawn,
		Ready: func(how string) {
			if o.Ready != nil {
				o.Ready(edge, how)
			}
		}}
	return r.Serve(ctx)
}
