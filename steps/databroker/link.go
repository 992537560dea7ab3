package databroker

import (
	"context"
	"errors"
	"time"

	"github.com/edge-setup/edge-setup/tenantapi"
	wire "github.com/edge-setup/edge-setup/tenantapi/databroker"
)

// The link's states, shown on the same kind of timeline as the device
// registration of option 7. With a cloud tenant user the console sees the
// data subscription itself (Not subscribed, Waiting for connection,
// Pending acceptance, Accepted); without one only the connector's side.
const (
	LinkNotSubscribed = "Not subscribed in the cloud tenant"
	LinkWaitingCode   = "Waiting for the cloud tenant to subscribe"
	LinkWaiting       = "Waiting for connection"
	LinkPending       = "Pending acceptance"
	LinkAccepted      = "Accepted"
	LinkActive        = "Active"
	LinkDisabled      = "Pending: disabled in the cloud tenant"
	LinkSuspended     = "Suspended on the Edge"
)

// Poll cadence of the link screen: quick while the link is being made
// (acceptance shows within seconds), slower once data flows.
const (
	LinkPollWaiting = 2 * time.Second
	LinkPollActive  = 5 * time.Second
)

// ArrivingWindow is what "data arriving" counts over.
const ArrivingWindow = time.Minute

// maxCountedDevices bounds the devices whose measurements are counted.
const maxCountedDevices = 50

// LinkOutcome is one look at the link from both ends.
type LinkOutcome struct {
	Status    string
	Connector wire.Connector // made safe
	State     State
	Alarms    []Alarm
	// Group is the cloud's virtual group for this Edge (with a cloud user,
	// once accepted), names made safe.
	Group *wire.VirtualGroup
	// Arriving counts the forwarded measurements the cloud received in the
	// last ArrivingWindow (known with a cloud user and a group).
	Arriving      int
	ArrivingKnown bool
	// Operations came from the cloud in the last OperationsWindow.
	Operations Operations
	// CloudWarning: the cloud tenant could not be asked; the Edge's side is shown.
	CloudWarning error
	// Retrying: the Edge could not be asked; the next look is in Next.
	Retrying error
	// Fatal stops following the link (the connector was deleted).
	Fatal error
	Next  time.Duration
}

// Poll looks at the link once: the connector on the Edge and, with a
// cloud user, the data subscription, the virtual group and the data.
func (b *Broker) Poll(ctx context.Context, connectorID string) LinkOutcome {
	var out LinkOutcome
	c, err := b.Connector(ctx, connectorID)
	switch {
	case errors.Is(err, ErrConnectorGone):
		out.Fatal = err
		return out
	case ctx.Err() != nil:
		out.Fatal = ctx.Err()
		return out
	case err != nil:
		out.Retrying, out.Next = err, LinkPollWaiting*2
		return out
	}
	out.Connector, out.State, out.Next = Safe(*c), StateOf(*c), LinkPollWaiting
	out.Status = linkStatusOf(*c, b.Cloud != nil)
	if b.Cloud != nil && c.Status == wire.StatusWaiting {
		sub, err := b.Cloud.Subscription(ctx, c.Code)
		switch {
		case err == nil:
			out.Status = subscriptionStatus(sub.Status)
		case errors.Is(err, tenantapi.ErrNotFound):
			out.Status = LinkNotSubscribed
		default:
			out.CloudWarning = explain("reading the data subscription in the cloud tenant failed", err)
			out.Status = LinkWaitingCode
		}
	}
	if alarms, err := b.alarms(ctx); err == nil {
		out.Alarms = alarms[c.ID]
	}
	if ops, err := b.edgeOperations(ctx); err != nil {
		out.Operations.Unknown = err.Error()
	} else {
		out.Operations.List = ops[c.ID]
	}
	if b.Cloud != nil && (c.Status == wire.StatusActive || c.Status == wire.StatusActivating) {
		b.lookAtCloud(ctx, *c, &out)
		if err := b.notTakenUp(ctx, out.Group, &out.Operations); err != nil && out.Operations.Unknown == "" {
			out.Operations.Unknown = err.Error()
		}
	}
	if out.Status == LinkActive && !out.Operations.inFlight() {
		out.Next = LinkPollActive // quicker while an operation from the cloud runs
	}
	if b.PollEvery > 0 {
		out.Next = b.PollEvery
	}
	return out
}

func linkStatusOf(c wire.Connector, withCloud bool) string {
	switch StateOf(c).Name {
	case StateWaiting:
		if withCloud {
			return LinkWaiting
		}
		return LinkWaitingCode
	case StateActivating:
		return LinkAccepted
	case StateActive:
		return LinkActive
	case StatePending:
		return LinkDisabled
	case StateSuspended:
		return LinkSuspended
	}
	return StateOf(c).Name
}

func subscriptionStatus(wireStatus string) string {
	switch wireStatus {
	case tenantapi.StatusWaitingForConnection:
		return LinkWaiting
	case tenantapi.StatusPendingAcceptance:
		return LinkPending
	case tenantapi.StatusAccepted:
		return LinkAccepted
	}
	return display(wireStatus)
}

// lookAtCloud finds the virtual group and counts the arriving measurements.
func (b *Broker) lookAtCloud(ctx context.Context, c wire.Connector, out *LinkOutcome) {
	g, err := b.VirtualGroup(ctx, c)
	if err != nil {
		out.CloudWarning = err
		return
	}
	if g == nil {
		return
	}
	out.Group = g
	n, err := b.arriving(ctx, g)
	if err != nil {
		out.CloudWarning = explain("counting the measurements that arrived in the cloud tenant failed", err)
		return
	}
	out.Arriving, out.ArrivingKnown = n, true
}

// VirtualGroup is the cloud's group for connector c (matched by the
// connector's name and the Edge's domain, which the source tells the
// destination), or nil while there is none.
func (b *Broker) VirtualGroup(ctx context.Context, c wire.Connector) (*wire.VirtualGroup, error) {
	if b.Cloud == nil {
		return nil, nil
	}
	groups, err := b.Cloud.VirtualGroups(ctx)
	if err != nil {
		return nil, explain("finding the virtual group in the cloud tenant failed", err)
	}
	return b.groupFor(groups, c), nil
}

// groupFor picks connector c's group among the cloud's virtual groups.
func (b *Broker) groupFor(groups []wire.VirtualGroup, c wire.Connector) *wire.VirtualGroup {
	var found *wire.VirtualGroup
	for i := range groups {
		g := groups[i]
		if g.Source.ConnectorName == c.Name && (b.Domain == "" || g.Source.Domain == "" || g.Source.Domain == b.Domain) {
			found = &g // the newest (highest id comes last) wins
		}
	}
	if found != nil {
		found.Name, found.ID, found.Owner = safeLine(found.Name), safeLine(found.ID), safeLine(found.Owner)
		found.Source.Status = safeLine(found.Source.Status)
	}
	return found
}

// arriving counts the measurements of the group's devices in the cloud
// over the last ArrivingWindow.
func (b *Broker) arriving(ctx context.Context, g *wire.VirtualGroup) (int, error) {
	from := b.now().Add(-ArrivingWindow)
	n := 0
	for i, child := range g.Children {
		if i >= maxCountedDevices {
			break
		}
		ms, err := b.Cloud.API.Measurements(ctx, b.Cloud.As, tenantapi.DataQuery{Source: child, DateFrom: from, PageSize: 2000, MaxItems: 2000})
		if err != nil {
			return 0, err
		}
		n += len(ms)
	}
	return n, nil
}

// Subscribe creates the data subscription in the cloud tenant with the
// connector's security code (an existing one is fine).
func (b *Broker) Subscribe(ctx context.Context, code string) error {
	if b.Cloud == nil {
		return errors.New("no cloud tenant user: give the security code to the cloud tenant's admin")
	}
	err := b.Cloud.Subscribe(ctx, code)
	var e *tenantapi.Error
	if errors.As(err, &e) && e.StatusCode == 409 {
		return nil
	}
	return explain("creating the data subscription in the cloud tenant failed", err)
}

// Accept accepts the pending data subscription in the cloud tenant.
func (b *Broker) Accept(ctx context.Context, code string) error {
	if b.Cloud == nil {
		return errors.New("no cloud tenant user: the cloud tenant's admin accepts the subscription")
	}
	return explain("accepting the data subscription in the cloud tenant failed", b.Cloud.Accept(ctx, code))
}

// Enable turns a subscription the cloud disabled ("Pending") on again.
func (b *Broker) Enable(ctx context.Context, c wire.Connector) error {
	if b.Cloud == nil {
		return errors.New("no cloud tenant user: enable the subscription in the cloud's Administration > Data Broker > Data subscriptions")
	}
	g, err := b.VirtualGroup(ctx, c)
	if err != nil {
		return err
	}
	if g == nil || g.Owner == "" {
		return errors.New("the cloud tenant holds no virtual group for this connector: delete the data subscription there and subscribe again")
	}
	t, err := b.Cloud.API.CurrentTenant(ctx, b.Cloud.As)
	if err != nil {
		return explain("reading the cloud tenant's id failed", err)
	}
	return explain("enabling the data subscription in the cloud tenant failed", b.Cloud.SetEnabled(ctx, t.Name, g.Owner, true))
}
