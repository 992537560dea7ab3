package databroker

import (
	"context"
	"net/http"

	"github.com/edge-setup/edge-setup/tenantapi"
)

// Object is a managed object as the connector's filters and screens need
// it: id, name, type.
type Object struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

// Objects lists the managed objects carrying fragment (c8y_IsDevice,
// c8y_IsDeviceGroup), one page of 2000 at most: enough to pick a device or
// a group by name on an Edge.
func (c *Client) Objects(ctx context.Context, fragment string) ([]Object, error) {
	var out struct {
		ManagedObjects []Object `json:"managedObjects"`
	}
	q := tenantapi.Paging(1, pageSize)
	q.Set("fragmentType", fragment)
	if err := c.API.Do(ctx, tenantapi.Request{Method: http.MethodGet, Path: "/inventory/managedObjects", Query: q, As: &c.As,
		Media: "managedObject", Accept: "managedObjectCollection", Out: &out}); err != nil {
		return nil, err
	}
	return out.ManagedObjects, nil
}

// BrokerObjectType is the type of the managed object the platform raises
// a connector's alarms on.
const BrokerObjectType = "c8y_DataBroker"

// BrokerObjects maps the ids of the c8y_DataBroker managed objects to the
// connector each stands for. Guess: the reference says only that the
// object carries "the connector's id"; it is read from the fragment
// c8y_DataBroker.connectorId.
func (c *Client) BrokerObjects(ctx context.Context) (map[string]string, error) {
	var out struct {
		ManagedObjects []struct {
			ID     string `json:"id"`
			Broker struct {
				ConnectorID string `json:"connectorId"`
			} `json:"c8y_DataBroker"`
		} `json:"managedObjects"`
	}
	q := tenantapi.Paging(1, pageSize)
	q.Set("type", BrokerObjectType)
	if err := c.API.Do(ctx, tenantapi.Request{Method: http.MethodGet, Path: "/inventory/managedObjects", Query: q, As: &c.As,
		Media: "managedObject", Accept: "managedObjectCollection", Out: &out}); err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, mo := range out.ManagedObjects {
		if mo.Broker.ConnectorID != "" {
			m[mo.ID] = mo.Broker.ConnectorID
		}
	}
	return m, nil
}

// BrokerOperationFragment marks an operation the Edge took up from a
// connector's destination: {"connectorId", "operationId"} (the cloud's
// id). Guess: the platform's marker is not public; tenantsim sets this.
const BrokerOperationFragment = "c8y_BrokerOperation"
