package tenantapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
)

const vndPrefix = "application/vnd.com.nsn.cumulocity."

// mediaType is the vnd JSON media type of a resource ("" = plain JSON).
func mediaType(name string) string {
	if name == "" {
		return "application/json"
	}
	return vndPrefix + name + "+json"
}

// call describes one request.
type call struct {
	method string
	path   string // already escaped
	query  url.Values
	cr     *Credentials // nil: no authentication
	media  string       // resource media type of the body sent and received
	accept string       // media type of the answer when it differs (collections)
	body   any          // JSON body; nil sends none
	out    any          // decode a 2xx answer into this; nil ignores it
	hide   string       // a secret in the path (a security code): the trace shows **** instead
	file   []byte       // sent as the multipart form part "file" instead of a JSON body
}

// do sends one request (no retries) and turns every failure into *Error,
// a transport error, ErrBodyTooLarge or ErrMalformedBody. The one
// exception to "one request": when a tenant user's login stops working
// (an OAI-Secure token expired, or Basic is refused where OAI-Secure is
// offered) it logs in again and sends the request once more.
func (c *Client) do(ctx context.Context, k call) (*resty.Response, error) {
	resp, auth, err := c.send(ctx, k)
	if k.cr != nil && resp != nil && resp.StatusCode() == http.StatusUnauthorized && c.loginAgain(*k.cr, auth) {
		resp, _, err = c.send(ctx, k)
	}
	return resp, err
}

// loginAgain decides after a 401 whether another login may help.
func (c *Client) loginAgain(cr Credentials, auth string) bool {
	switch {
	case isDeviceLogin(cr):
		return false
	case strings.HasPrefix(auth, "Bearer "):
		c.ForgetLogin(cr)
		return true
	}
	return c.basicRefused()
}

// send is one request; auth is the Authorization value it carried.
func (c *Client) send(ctx context.Context, k call) (_ *resty.Response, auth string, _ error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req := c.r.R().SetContext(ctx)
	if k.cr != nil {
		var err error
		if auth, err = c.AuthHeader(ctx, *k.cr); err != nil {
			return nil, "", err
		}
		req.SetHeader("Authorization", auth)
	}
	accept := k.accept
	if accept == "" {
		accept = k.media
	}
	req.SetHeader("Accept", mediaType(accept))
	if k.body != nil {
		data, err := json.Marshal(k.body)
		if err != nil {
			return nil, auth, fmt.Errorf("cannot encode the request to %s: %w", k.path, err)
		}
		req.SetHeader("Content-Type", mediaType(k.media)).SetBody(data)
	}
	if k.file != nil {
		req.SetFileReader("file", "devices.csv", bytes.NewReader(k.file))
	}
	if k.query != nil {
		req.SetQueryParamsFromValues(k.query)
	}
	start := time.Now()
	resp, err := req.Execute(k.method, c.base+k.path)
	c.trace(k, resp, err, time.Since(start))
	if err != nil {
		if errors.Is(err, resty.ErrResponseBodyTooLarge) {
			return nil, auth, fmt.Errorf("%w: the answer to %s %s is larger than %s", ErrBodyTooLarge, k.method, k.path, size(c.maxBody))
		}
		te := &transportError{Method: k.method, Path: k.path, Host: c.host, Err: err}
		if resp != nil && resp.RawResponse != nil {
			te.Status = resp.StatusCode() // the headers came, the body broke off
		}
		return nil, auth, te
	}
	if s := resp.StatusCode(); s < 200 || s > 299 {
		return resp, auth, apiError(k, resp)
	}
	if c.onChange != nil && changes(k.method, k.path) {
		c.onChange(k.method, k.path)
	}
	if k.out != nil {
		if err := decode(resp.Body(), k.out); err != nil {
			return resp, auth, fmt.Errorf("%w: %s %s answered %d with a %s body that is not the expected JSON (%v)", ErrMalformedBody,
				k.method, k.path, resp.StatusCode(), describeType(resp.Header().Get("Content-Type")), err)
		}
	}
	return resp, auth, nil
}

func decode(body []byte, out any) error {
	if len(strings.TrimSpace(string(body))) == 0 {
		return errors.New("an empty body")
	}
	return json.Unmarshal(body, out)
}

// apiError builds *Error from a non-2xx answer; a body that is not the
// platform's error JSON (a proxy page) leaves Code and Message empty.
func apiError(k call, resp *resty.Response) *Error {
	e := &Error{
		StatusCode: resp.StatusCode(),
		Method:     k.method,
		Path:       k.path,
		RetryAfter: parseRetryAfter(resp.Header().Get("Retry-After"), time.Now()),
	}
	if resp.StatusCode() >= 300 && resp.StatusCode() < 400 {
		e.Location = oneLine(resp.Header().Get("Location"))
	}
	var body struct {
		Error   string `json:"error"`
		Message string `json:"message"`
		Info    string `json:"info"`
	}
	if json.Unmarshal(resp.Body(), &body) == nil {
		e.Code, e.Message, e.Info = oneLine(body.Error), oneLine(body.Message), oneLine(body.Info)
	}
	return e
}

// size names a byte count for people.
func size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// describeType names a Content-Type without its parameters.
func describeType(ct string) string {
	if ct == "" {
		return "no content type"
	}
	if mt, _, err := mime.ParseMediaType(ct); err == nil {
		return mt
	}
	return oneLine(ct)
}

// trace writes one redacted line per request to Options.Debug: method,
// URL, user name, status, duration. Never headers, never bodies.
func (c *Client) trace(k call, resp *resty.Response, err error, d time.Duration) {
	if c.debug == nil {
		return
	}
	u := c.base + k.path
	if k.hide != "" {
		u = strings.ReplaceAll(u, k.hide, "****")
	}
	if len(k.query) > 0 {
		u += "?" + k.query.Encode()
	}
	who := ""
	if k.cr != nil {
		who = " as " + k.cr.Login()
	}
	var result string
	switch {
	case err != nil:
		result = "failed: " + oneLine(err.Error())
	case resp != nil:
		result = fmt.Sprintf("%d %s", resp.StatusCode(), http.StatusText(resp.StatusCode()))
	}
	c.debugMu.Lock()
	defer c.debugMu.Unlock()
	fmt.Fprintf(c.debug, "http: %s %s%s -> %s (%s)\n", k.method, u, who, result, d.Round(time.Millisecond))
}
