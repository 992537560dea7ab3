package tenantapi

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

const moType = "managedObject"

func moPath(id string) string { return "/inventory/managedObjects/" + url.PathEscape(id) }

// ExternalID resolves an external ID (e.g. type "c8y_Serial") to the
// managed object id; a missing one satisfies errors.Is(err, ErrNotFound).
func (c *Client) ExternalID(ctx context.Context, cr Credentials, typ, extID string) (string, error) {
	var out struct {
		ManagedObject struct {
			ID string `json:"id"`
		} `json:"managedObject"`
	}
	path := "/identity/externalIds/" + url.PathEscape(typ) + "/" + url.PathEscape(extID)
	if _, err := c.do(ctx, call{method: http.MethodGet, path: path, cr: &cr, media: "externalId", out: &out}); err != nil {
		return "", err
	}
	if out.ManagedObject.ID == "" {
		return "", fmt.Errorf("%w: the external ID %s %q resolves to no managed object id", ErrMalformedBody, typ, extID)
	}
	return out.ManagedObject.ID, nil
}

// CreateExternalID binds an external ID to a managed object (409 when it
// is bound to another one).
func (c *Client) CreateExternalID(ctx context.Context, cr Credentials, moID, typ, extID string) error {
	_, err := c.do(ctx, call{method: http.MethodPost, path: "/identity/globalIds/" + url.PathEscape(moID) + "/externalIds",
		cr: &cr, media: "externalId", body: map[string]string{"type": typ, "externalId": extID}})
	return err
}

// CreateManagedObject creates a managed object and returns its id.
func (c *Client) CreateManagedObject(ctx context.Context, cr Credentials, body map[string]any) (string, error) {
	if body == nil {
		body = map[string]any{}
	}
	var out struct {
		ID string `json:"id"`
	}
	if _, err := c.do(ctx, call{method: http.MethodPost, path: "/inventory/managedObjects", cr: &cr, media: moType, body: body, out: &out}); err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", fmt.Errorf("%w: the tenant created the managed object but sent no id", ErrMalformedBody)
	}
	return out.ID, nil
}

// UpdateManagedObject sets fragments of a managed object (a nil value
// removes the fragment).
func (c *Client) UpdateManagedObject(ctx context.Context, cr Credentials, moID string, fragments map[string]any) error {
	if fragments == nil {
		fragments = map[string]any{}
	}
	_, err := c.do(ctx, call{method: http.MethodPut, path: moPath(moID), cr: &cr, media: moType, body: fragments})
	return err
}

// ManagedObject reads a managed object with all its fragments.
func (c *Client) ManagedObject(ctx context.Context, cr Credentials, moID string) (map[string]any, error) {
	var out map[string]any
	if _, err := c.do(ctx, call{method: http.MethodGet, path: moPath(moID), cr: &cr, media: moType, out: &out}); err != nil {
		return nil, err
	}
	return out, nil
}

// InventoryQuery filters ManagedObjects; zero fields are not sent.
type InventoryQuery struct {
	// Query in the platform's query language, e.g. "$filter=(name eq
	// 'pump 1') $orderby=name". Quote values: name eq 'it''s'.
	Query        string
	Type         string
	FragmentType string
	IDs          []string
	PageSize     int // per request; default 100, at most 2000
	MaxItems     int // over all pages; default DefaultMaxItems
}

// ManagedObjects lists managed objects over as many pages as needed.
func (c *Client) ManagedObjects(ctx context.Context, cr Credentials, q InventoryQuery) ([]map[string]any, error) {
	v := url.Values{}
	for k, s := range map[string]string{"query": q.Query, "type": q.Type, "fragmentType": q.FragmentType, "ids": strings.Join(q.IDs, ",")} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return listAll[map[string]any](ctx, c, getCall("/inventory/managedObjects", &cr, moType+"Collection", v), "managedObjects", q.PageSize, q.MaxItems)
}

// QuoteQueryValue quotes a value for the query language (” inside).
func QuoteQueryValue(v string) string { return "'" + strings.ReplaceAll(v, "'", "''") + "'" }
