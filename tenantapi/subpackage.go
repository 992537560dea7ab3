package tenantapi

import (
	"context"
	"net/url"
)

// Request is one REST call made by a subpackage of tenantapi (databroker,
// ...), so that every request still goes through the one place that
// authenticates (AuthHeader), bounds, times out, traces and types errors.
type Request struct {
	Method string
	Path   string // already escaped, from the tenant's root
	Query  url.Values
	// As is the login the request carries; nil sends none.
	As *Credentials
	// Media is the resource's media type name ("connector" for
	// application/vnd.com.nsn.cumulocity.connector+json; "" = plain JSON).
	Media string
	// Accept is the answer's media type name when it differs (collections).
	Accept string
	Body   any // JSON body; nil sends none
	Out    any // a 2xx answer is decoded into it; nil ignores the answer
	// Hide is a secret the path carries (a security code): the debug trace
	// shows **** in its place.
	Hide string
}

// Do sends r once, like every call of this package: errors are *Error,
// transport errors, ErrBodyTooLarge or ErrMalformedBody.
func (c *Client) Do(ctx context.Context, r Request) error {
	_, err := c.do(ctx, call{method: r.Method, path: r.Path, query: r.Query, cr: r.As,
		media: r.Media, accept: r.Accept, body: r.Body, out: r.Out, hide: r.Hide})
	return err
}

// Paging is the query of one page of a collection (pages count from 1).
func Paging(page, pageSize int) url.Values { return paging(page, pageSize) }
