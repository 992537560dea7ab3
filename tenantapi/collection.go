package tenantapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// DefaultMaxItems bounds how many items a listing call collects over all
// pages when the caller sets no limit: a tenant with millions of
// measurements must not fill the appliance's memory.
const DefaultMaxItems = 2000

// listPage is one page of a collection.
type listPage[T any] struct {
	items []T
	next  string
}

// listAll reads pages of a collection (key names its items) until it has
// max items, a page comes back shorter than pageSize, or the tenant sends
// no "next" link. Both ends matter: the platform also sends "next" on a
// full last page (stopping only when "next" is missing costs one more,
// empty, request), and older servers leave "next" out there.
func listAll[T any](ctx context.Context, c *Client, k call, key string, pageSize, max int) ([]T, error) {
	if pageSize <= 0 {
		pageSize = 100
	}
	pageSize = min(pageSize, 2000)
	if max <= 0 {
		max = DefaultMaxItems
	}
	var all []T
	for page := 1; ; page++ {
		q := url.Values{}
		for name, vs := range k.query {
			q[name] = vs
		}
		q.Set("currentPage", strconv.Itoa(page))
		q.Set("pageSize", strconv.Itoa(pageSize))
		k.query = q
		p, err := readPage[T](ctx, c, k, key)
		if err != nil {
			return nil, err
		}
		all = append(all, p.items...)
		if len(all) >= max {
			return all[:max], nil
		}
		if len(p.items) < pageSize || p.next == "" {
			return all, nil
		}
	}
}

func readPage[T any](ctx context.Context, c *Client, k call, key string) (listPage[T], error) {
	var raw map[string]json.RawMessage
	k.out = &raw
	if _, err := c.do(ctx, k); err != nil {
		return listPage[T]{}, err
	}
	var p listPage[T]
	data, ok := raw[key]
	if !ok {
		return p, fmt.Errorf("%w: %s %s answered without %q", ErrMalformedBody, k.method, k.path, key)
	}
	if err := json.Unmarshal(data, &p.items); err != nil {
		return p, fmt.Errorf("%w: the %s in the answer to %s %s cannot be read (%v)", ErrMalformedBody, key, k.method, k.path, err)
	}
	if n, ok := raw["next"]; ok {
		_ = json.Unmarshal(n, &p.next)
	}
	return p, nil
}

// getCall is a GET of a collection path with the given query.
func getCall(path string, cr *Credentials, accept string, q url.Values) call {
	return call{method: http.MethodGet, path: path, cr: cr, accept: accept, query: q}
}
