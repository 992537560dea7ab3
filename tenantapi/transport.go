package tenantapi

import (
	"net/http"
	"time"
)

// HTTPClient is a client on the same transport as the REST calls (the
// system trust store, --ca-cert, HTTPS_PROXY/NO_PROXY), without an overall
// timeout and without following redirects: for WebSockets and long polls,
// whose callers bound each wait with a context.
func (c *Client) HTTPClient() *http.Client {
	return &http.Client{
		Transport:     c.tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Timeout is the per-request timeout of the client's REST calls.
func (c *Client) Timeout() time.Duration { return c.timeout }

// UserAgent is the User-Agent header the client sends.
func (c *Client) UserAgent() string { return c.r.Header.Get("User-Agent") }

// Host is host:port of the tenant, for messages.
func (c *Client) Host() string { return c.host }
