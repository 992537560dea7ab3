package databroker

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/edge-setup/edge-setup/tenantapi"
)

// SubscriptionType is the type of the device request a destination tenant
// creates to subscribe to a connector (its id is the security code).
const SubscriptionType = "c8y_DataBroker"

// BrokerSourceFragment marks the destination's virtual group (and the
// pending request's customProperties) with where the data comes from.
const BrokerSourceFragment = "c8y_BrokerSource"

// BrokerSource is the c8y_BrokerSource fragment.
type BrokerSource struct {
	ConnectorName        string `json:"connectorName"`
	ConnectorDescription string `json:"connectorDescription"`
	Domain               string `json:"domain"`
	Status               string `json:"status,omitempty"` // on the virtual group: ACTIVE, SUSPENDED, WAITING
}

// Subscription is the destination's view of one connector: a device
// request of type c8y_DataBroker.
type Subscription struct {
	Status string // tenantapi.StatusWaitingForConnection, ...PendingAcceptance, ...Accepted
	Source *BrokerSource
}

const ndrMedia = "newDeviceRequest"

func subscriptionPath(code string) string {
	return "/devicecontrol/newDeviceRequests/" + url.PathEscape(code)
}

// Destination is the cloud tenant as a tenant user.
type Destination struct {
	API *tenantapi.Client
	As  tenantapi.Credentials
}

// Subscribe creates the data subscription for a connector's security code
// (as "Add data subscription" does in the cloud's UI).
func (d *Destination) Subscribe(ctx context.Context, code string) error {
	return d.API.Do(ctx, tenantapi.Request{Method: http.MethodPost, Path: "/devicecontrol/newDeviceRequests", As: &d.As,
		Media: ndrMedia, Body: map[string]string{"id": code, "type": SubscriptionType}})
}

// Subscription reads the request of a code; a missing one (never created,
// discarded, or accepted and taken up by the source) satisfies
// errors.Is(err, tenantapi.ErrNotFound).
func (d *Destination) Subscription(ctx context.Context, code string) (*Subscription, error) {
	var out struct {
		Status           string `json:"status"`
		Type             string `json:"type"`
		CustomProperties struct {
			Source *BrokerSource `json:"c8y_BrokerSource"`
		} `json:"customProperties"`
	}
	if err := d.API.Do(ctx, tenantapi.Request{Method: http.MethodGet, Path: subscriptionPath(code), Hide: url.PathEscape(code), As: &d.As, Media: ndrMedia, Out: &out}); err != nil {
		return nil, err
	}
	if out.Type != "" && out.Type != SubscriptionType {
		return nil, fmt.Errorf("the cloud tenant holds a device registration named like the security code, of type %q, not a data subscription: delete it in Device Management > Registration", out.Type)
	}
	return &Subscription{Status: out.Status, Source: out.CustomProperties.Source}, nil
}

// Accept accepts a pending subscription.
func (d *Destination) Accept(ctx context.Context, code string) error {
	return d.API.Do(ctx, tenantapi.Request{Method: http.MethodPut, Path: subscriptionPath(code), Hide: url.PathEscape(code), As: &d.As,
		Media: ndrMedia, Body: map[string]string{"status": tenantapi.StatusAccepted}})
}

// Discard deletes a subscription request that was not taken up.
func (d *Destination) Discard(ctx context.Context, code string) error {
	return d.API.Do(ctx, tenantapi.Request{Method: http.MethodDelete, Path: subscriptionPath(code), Hide: url.PathEscape(code), As: &d.As, Media: ndrMedia})
}

// VirtualGroup is the destination's group for one source: forwarded
// devices appear under it, owned by the broker user.
type VirtualGroup struct {
	ID     string
	Name   string
	Owner  string // the broker user of this subscription
	Source BrokerSource
	// Children are the ids of the forwarded devices under the group.
	Children []string
}

// VirtualGroups lists the destination's virtual groups (bounded to one
// page of 2000).
func (d *Destination) VirtualGroups(ctx context.Context) ([]VirtualGroup, error) {
	var out struct {
		ManagedObjects []struct {
			ID          string        `json:"id"`
			Name        string        `json:"name"`
			Owner       string        `json:"owner"`
			Source      *BrokerSource `json:"c8y_BrokerSource"`
			ChildAssets struct {
				References []struct {
					ManagedObject struct {
						ID string `json:"id"`
					} `json:"managedObject"`
				} `json:"references"`
			} `json:"childAssets"`
		} `json:"managedObjects"`
	}
	q := tenantapi.Paging(1, pageSize)
	q.Set("fragmentType", BrokerSourceFragment)
	if err := d.API.Do(ctx, tenantapi.Request{Method: http.MethodGet, Path: "/inventory/managedObjects", Query: q, As: &d.As,
		Media: "managedObject", Accept: "managedObjectCollection", Out: &out}); err != nil {
		return nil, err
	}
	groups := make([]VirtualGroup, 0, len(out.ManagedObjects))
	for _, mo := range out.ManagedObjects {
		if mo.Source == nil {
			continue
		}
		g := VirtualGroup{ID: mo.ID, Name: mo.Name, Owner: mo.Owner, Source: *mo.Source}
		for _, r := range mo.ChildAssets.References {
			g.Children = append(g.Children, r.ManagedObject.ID)
		}
		groups = append(groups, g)
	}
	return groups, nil
}

// SetEnabled disables or enables a subscription on the destination side:
// its broker user is switched off or on (the source then sees its
// destination SUSPENDED, "Pending").
func (d *Destination) SetEnabled(ctx context.Context, tenant, brokerUser string, enabled bool) error {
	path := "/user/" + url.PathEscape(tenant) + "/users/" + url.PathEscape(brokerUser)
	return d.API.Do(ctx, tenantapi.Request{Method: http.MethodPut, Path: path, As: &d.As, Media: "user",
		Body: map[string]bool{"enabled": enabled}})
}
