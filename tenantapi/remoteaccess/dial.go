// Package remoteaccess is the wire protocol of Cumulocity Cloud Remote
// Access beyond its REST calls: the client and device WebSockets of a
// session (subprotocol "binary") and the real-time notifications (Bayeux
// long polling) through which a device learns of c8y_RemoteAccessConnect
// operations. Every connection goes through the tenantapi.Client's
// transport (trust store, --ca-cert, HTTPS_PROXY/NO_PROXY) and takes its
// Authorization header from tenantapi.(*Client).AuthHeader.
package remoteaccess

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/coder/websocket"

	"github.com/edge-setup/edge-setup/tenantapi"
)

// Subprotocol is the WebSocket subprotocol of both ends of a session. The
// platform needs it (a device that left it out failed, see the reference).
const Subprotocol = "binary"

// ClientPath is the path of the client end of a session on endpoint configID of device moID.
func ClientPath(moID, configID string) string {
	return "/service/remoteaccess/client/" + url.PathEscape(moID) + "/configurations/" + url.PathEscape(configID)
}

// DevicePath is the path of the device end of the session with connectionKey.
func DevicePath(connectionKey string) string {
	return "/service/remoteaccess/device/" + url.PathEscape(connectionKey)
}

// DialClient opens a session on an endpoint, as the browser or go-c8y-cli
// does, as a tenant user. The service then creates a c8y_RemoteAccessConnect
// operation for the device; bytes flow once the device has attached. The
// returned connection lives until ctx ends or it is closed.
func DialClient(ctx context.Context, c *tenantapi.Client, user tenantapi.Credentials, moID, configID string) (net.Conn, error) {
	return dial(ctx, c, user, ClientPath(moID, configID))
}

// DialDevice opens the device end of the session with connectionKey, with
// the device's own credentials.
func DialDevice(ctx context.Context, c *tenantapi.Client, device tenantapi.Credentials, connectionKey string) (net.Conn, error) {
	return dial(ctx, c, device, DevicePath(connectionKey))
}

// DialError is a WebSocket that could not be opened on the way (no
// connection, TLS, proxy); a refusal by the tenant is a *tenantapi.Error.
type DialError struct {
	Path string
	Host string
	Err  error
}

func (e *DialError) Error() string {
	return fmt.Sprintf("opening the WebSocket %s on %s failed: %v", e.Path, e.Host, e.Err)
}

func (e *DialError) Unwrap() error { return e.Err }

// ErrNoSubprotocol: the server accepted the WebSocket without agreeing to
// the "binary" subprotocol, so it is not the remote access service.
var ErrNoSubprotocol = errors.New(`the server did not agree to the WebSocket subprotocol "binary"`)

// dial opens a binary WebSocket at path; ctx bounds the opening and, once
// open, the connection's life.
func dial(ctx context.Context, c *tenantapi.Client, cr tenantapi.Credentials, path string) (net.Conn, error) {
	auth, err := c.AuthHeader(ctx, cr)
	if err != nil {
		return nil, err
	}
	u := wsURL(c.BaseURL()) + path
	openCtx, cancel := context.WithTimeout(ctx, c.Timeout())
	defer cancel()
	conn, resp, err := websocket.Dial(openCtx, u, &websocket.DialOptions{
		HTTPClient:   c.HTTPClient(),
		HTTPHeader:   http.Header{"Authorization": {auth}, "User-Agent": {c.UserAgent()}},
		Subprotocols: []string{Subprotocol},
	})
	if err != nil {
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			return nil, refusal(resp, path)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &DialError{Path: path, Host: c.Host(), Err: err}
	}
	if conn.Subprotocol() != Subprotocol {
		conn.Close(websocket.StatusProtocolError, "subprotocol binary required")
		return nil, &DialError{Path: path, Host: c.Host(), Err: ErrNoSubprotocol}
	}
	return websocket.NetConn(ctx, conn, websocket.MessageBinary), nil
}

// refusal turns an HTTP answer instead of the upgrade into *tenantapi.Error
// (so errors.Is(err, tenantapi.ErrForbidden) and tenantapi.Explain work).
func refusal(resp *http.Response, path string) error {
	e := &tenantapi.Error{StatusCode: resp.StatusCode, Method: http.MethodGet, Path: path}
	if resp.Body != nil {
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		var body struct{ Error, Message, Info string }
		if json.Unmarshal(data, &body) == nil {
			e.Code, e.Message, e.Info = oneLine(body.Error), oneLine(body.Message), oneLine(body.Info)
		}
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		e.Location = oneLine(resp.Header.Get("Location"))
	}
	return e
}

// wsURL maps http(s):// to ws(s)://.
func wsURL(base string) string {
	if rest, ok := strings.CutPrefix(base, "https://"); ok {
		return "wss://" + rest
	}
	if rest, ok := strings.CutPrefix(base, "http://"); ok {
		return "ws://" + rest
	}
	return base
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}
