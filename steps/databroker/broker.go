package databroker

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/edge-setup/edge-setup/steps/safetext"
	"github.com/edge-setup/edge-setup/tenantapi"
	wire "github.com/edge-setup/edge-setup/tenantapi/databroker"
)

// Broker is the Data Broker as the Edge console sees it: the Edge's own
// tenant (the source) as its admin, and the cloud tenant (the
// destination) as a tenant user when one is at hand.
type Broker struct {
	Edge     *wire.Client
	Cloud    *wire.Destination // nil: no cloud tenant user
	CloudURL string
	// Domain is the Edge's domain; the source tells it to the destination,
	// which shows it on the virtual group.
	Domain string
	Now    func() time.Time
	// PollEvery, when set, replaces the link's poll cadence (tests).
	PollEvery time.Duration
}

func (b *Broker) now() time.Time {
	if b.Now == nil {
		return time.Now()
	}
	return b.Now()
}

// Safe is c with every text the tenant sent made safe to show.
func Safe(c wire.Connector) wire.Connector {
	c.ID, c.Name, c.Description = safeLine(c.ID), safeLine(c.Name), safeLine(c.Description)
	c.InstanceURL, c.SuspendReason, c.Code = safeLine(c.InstanceURL), safeLine(c.SuspendReason), safeLine(c.Code)
	c.Status, c.DestinationStatus = safeLine(c.Status), safeLine(c.DestinationStatus)
	return c
}

// explain words a failed call for the operator (what was being done, and
// the tenant's reason with what to do).
func explain(doing string, err error) error {
	if err == nil {
		return nil
	}
	return &explained{msg: doing + ": " + safeLine(tenantapi.Explain(err)), err: err}
}

type explained struct {
	msg string
	err error
}

func (e *explained) Error() string { return e.msg }
func (e *explained) Unwrap() error { return e.err }

// ErrConnectorGone: the connector no longer exists on the Edge.
var ErrConnectorGone = errors.New("the connector no longer exists on the Edge")

// Connector reads one connector (made safe).
func (b *Broker) Connector(ctx context.Context, id string) (*wire.Connector, error) {
	c, err := b.Edge.Connector(ctx, id)
	if errors.Is(err, tenantapi.ErrNotFound) {
		return nil, fmt.Errorf("%w (someone deleted it): choose B again to see the others", ErrConnectorGone)
	}
	if err != nil {
		return nil, explain("reading the connector on the Edge failed", err)
	}
	return c, nil
}

// ByName finds a connector by its title ("" id when there is none).
func (b *Broker) ByName(ctx context.Context, name string) (*wire.Connector, error) {
	list, err := b.Edge.Connectors(ctx)
	if err != nil {
		return nil, explain("listing the Edge's connectors failed", err)
	}
	i := slices.IndexFunc(list, func(c wire.Connector) bool { return c.Name == name })
	if i < 0 {
		return nil, nil
	}
	return &list[i], nil
}

// Suspend stops a connector forwarding.
func (b *Broker) Suspend(ctx context.Context, id string) error {
	_, err := b.Edge.Suspend(ctx, id)
	return explain("suspending the connector failed", err)
}

// Resume lets a suspended connector forward again.
func (b *Broker) Resume(ctx context.Context, id string) error {
	_, err := b.Edge.Resume(ctx, id)
	return explain("resuming the connector failed", err)
}

// Delete removes a connector: forwarding stops at once; what the cloud
// received stays there (the virtual group and its devices too).
func (b *Broker) Delete(ctx context.Context, id string) error {
	return explain("deleting the connector failed", b.Edge.Delete(ctx, id))
}

// DeleteWarning says what deleting c stops, for the confirmation.
func DeleteWarning(c wire.Connector, cloudURL string) string {
	c = Safe(c)
	return fmt.Sprintf("Delete connector %q? The Edge stops sharing data with %s at once. What the cloud tenant received stays there; "+
		"its data subscription and virtual group are not removed (delete them in the cloud's Data Broker if they are no longer needed).", c.Name, c.InstanceURL)
}

// Ensure makes the Edge hold the wanted connector (an answers file): it
// creates it, changes what may change, or leaves it as it is. It returns
// what it did ("created", "changed", "unchanged") and the connector.
func (b *Broker) Ensure(ctx context.Context, w Wanted) (string, *wire.Connector, error) {
	list, err := b.Edge.Connectors(ctx)
	if err != nil {
		return "", nil, explain("listing the Edge's connectors failed", err)
	}
	i := slices.IndexFunc(list, func(c wire.Connector) bool { return c.Name == w.Title })
	if i < 0 {
		if err := w.CheckAgainst(list); err != nil {
			return "", nil, err
		}
		c, err := b.Edge.Create(ctx, wire.NewConnector{Name: w.Title, Description: w.Description, InstanceURL: w.Target, Filters: w.Filters()})
		if err != nil {
			return "", nil, explain("creating the connector on the Edge failed", err)
		}
		return "created", c, nil
	}
	cur := list[i]
	if !sameURL(cur.InstanceURL, w.Target) {
		return "", nil, fmt.Errorf("connector %q shares with %s, not %s: the target of a saved connector cannot be changed; delete it (B, then x) and create it again",
			safeLine(cur.Name), safeLine(cur.InstanceURL), safeLine(w.Target))
	}
	if cur.Description == w.Description && sameFilters(cur.Filters, w.Filters()) {
		return "unchanged", &cur, nil
	}
	c, err := b.Edit(ctx, cur.ID, w)
	if err != nil {
		return "", nil, err
	}
	return "changed", c, nil
}

func sameFilters(a, b []wire.Filter) bool {
	norm := func(fs []wire.Filter) []wire.Filter {
		out := slices.Clone(fs)
		for i := range out {
			out[i].APIs = slices.Sorted(slices.Values(out[i].APIs))
			if len(out[i].FragmentsToFilter) == 0 {
				out[i].FragmentsToFilter = nil
			}
		}
		return out
	}
	return slices.EqualFunc(norm(a), norm(b), func(x, y wire.Filter) bool {
		return slices.Equal(x.APIs, y.APIs) && x.SourceID == y.SourceID && x.DeviceGroupID == y.DeviceGroupID &&
			slices.Equal(x.FragmentsToFilter, y.FragmentsToFilter) && (x.FragmentsToCopy == nil) == (y.FragmentsToCopy == nil) &&
			slices.Equal(x.FragmentsToCopy, y.FragmentsToCopy) && x.TypeFilter == y.TypeFilter
	})
}

// Edit changes a connector's title, description and filters to w's; the
// target and the security code stay.
func (b *Broker) Edit(ctx context.Context, id string, w Wanted) (*wire.Connector, error) {
	c, err := b.Edge.Edit(ctx, id, w.Title, w.Description, w.Filters())
	if err != nil {
		return nil, explain("changing the connector on the Edge failed", err)
	}
	return c, nil
}

// safeLine makes a text from outside safe to show: one line without
// control characters, the user information of any URL in it hidden.
func safeLine(s string) string { return safetext.Line(wire.Redact(s)) }
