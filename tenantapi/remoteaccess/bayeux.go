package remoteaccess

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/edge-setup/edge-setup/tenantapi"
)

// OperationsPath is where a device receives real-time notifications of
// its operations (Bayeux/CometD over HTTP long polling).
const OperationsPath = "/notification/operations"

// maxNotificationBytes bounds one Bayeux answer.
const maxNotificationBytes = 4 << 20

// ErrRehandshake: the server forgot the client (restart, expiry); call
// Handshake and Subscribe again.
var ErrRehandshake = errors.New("the notification service asks for a new handshake")

// ErrNoReconnect: the server advised reconnect "none": it wants no more
// connects from this client (use polling).
var ErrNoReconnect = errors.New("the notification service advised not to reconnect")

// Notifications is one Bayeux client of /notification/operations. It is
// not safe for concurrent use: one goroutine handshakes, subscribes and
// connects in turn.
type Notifications struct {
	Client *tenantapi.Client
	Creds  tenantapi.Credentials
	// Path defaults to OperationsPath.
	Path string

	clientID string
	hold     time.Duration // how long the server may hold a connect (its advice)
	interval time.Duration // how long to wait before the next connect (its advice)
	channels []string
}

// Interval is the server's advice on how long to wait before the next
// connect (bounded to a minute).
func (n *Notifications) Interval() time.Duration { return n.interval }

// Notification is one message delivered on a subscribed channel.
type Notification struct {
	Channel string
	Action  string          // realtimeAction: CREATE, UPDATE, DELETE
	Data    json.RawMessage // the object (an operation)
}

// message is one Bayeux message, either way.
type message struct {
	Channel                  string          `json:"channel"`
	ClientID                 string          `json:"clientId,omitempty"`
	ID                       string          `json:"id,omitempty"`
	Version                  string          `json:"version,omitempty"`
	SupportedConnectionTypes []string        `json:"supportedConnectionTypes,omitempty"`
	ConnectionType           string          `json:"connectionType,omitempty"`
	Subscription             string          `json:"subscription,omitempty"`
	Successful               *bool           `json:"successful,omitempty"`
	Error                    string          `json:"error,omitempty"`
	Advice                   *advice         `json:"advice,omitempty"`
	Data                     json.RawMessage `json:"data,omitempty"`
}

type advice struct {
	Reconnect string `json:"reconnect,omitempty"`
	Timeout   int64  `json:"timeout,omitempty"`  // ms the server may hold a connect
	Interval  int64  `json:"interval,omitempty"` // ms to wait before the next connect
}

// Handshake gets a clientId.
func (n *Notifications) Handshake(ctx context.Context) error {
	n.clientID, n.channels = "", nil
	answers, err := n.send(ctx, message{Channel: "/meta/handshake", Version: "1.0", SupportedConnectionTypes: []string{"long-polling"}})
	if err != nil {
		return err
	}
	m, err := reply(answers, "/meta/handshake")
	if err != nil {
		return err
	}
	if m.ClientID == "" {
		return fmt.Errorf("the notification handshake answered without a clientId")
	}
	n.clientID = m.ClientID
	n.takeAdvice(m.Advice)
	return nil
}

// Subscribe adds a channel, e.g. "/<device managed object id>".
func (n *Notifications) Subscribe(ctx context.Context, channel string) error {
	answers, err := n.send(ctx, message{Channel: "/meta/subscribe", ClientID: n.clientID, Subscription: channel})
	if err != nil {
		return err
	}
	if _, err := reply(answers, "/meta/subscribe"); err != nil {
		return err
	}
	n.channels = append(n.channels, channel)
	return nil
}

// Connect is one long poll: it returns the notifications that arrived, or
// none when the server let the poll expire. ErrRehandshake means call
// Handshake and Subscribe again.
func (n *Notifications) Connect(ctx context.Context) ([]Notification, error) {
	if n.clientID == "" {
		return nil, ErrRehandshake
	}
	answers, err := n.send(ctx, message{Channel: "/meta/connect", ClientID: n.clientID, ConnectionType: "long-polling"})
	if err != nil {
		return nil, err
	}
	out := notificationsOf(answers)
	m, err := reply(answers, "/meta/connect")
	n.takeAdvice(m.Advice)
	if err == nil && m.Advice != nil {
		switch m.Advice.Reconnect {
		case "none":
			err = ErrNoReconnect
		case "handshake":
			err = ErrRehandshake
		}
	}
	return out, err
}

// notificationsOf is what the answers deliver on the subscribed channels.
func notificationsOf(answers []message) []Notification {
	var out []Notification
	for _, m := range answers {
		if m.Channel == "" || len(m.Channel) > 6 && m.Channel[:6] == "/meta/" {
			continue
		}
		var d struct {
			RealtimeAction string          `json:"realtimeAction"`
			Data           json.RawMessage `json:"data"`
		}
		if json.Unmarshal(m.Data, &d) != nil {
			continue
		}
		out = append(out, Notification{Channel: m.Channel, Action: d.RealtimeAction, Data: d.Data})
	}
	return out
}

// Disconnect ends the client; errors are of no use to the caller.
func (n *Notifications) Disconnect(ctx context.Context) {
	if n.clientID == "" {
		return
	}
	_, _ = n.send(ctx, message{Channel: "/meta/disconnect", ClientID: n.clientID})
	n.clientID = ""
}

func (n *Notifications) takeAdvice(a *advice) {
	if a == nil {
		return
	}
	if a.Timeout > 0 {
		n.hold = time.Duration(min(a.Timeout, int64(time.Hour/time.Millisecond))) * time.Millisecond
	}
	if a.Interval >= 0 {
		n.interval = time.Duration(min(a.Interval, int64(time.Minute/time.Millisecond))) * time.Millisecond
	}
}

// reply finds the answer on channel and turns an unsuccessful one into an error.
func reply(answers []message, channel string) (message, error) {
	for _, m := range answers {
		if m.Channel != channel {
			continue
		}
		if m.Successful != nil && *m.Successful {
			return m, nil
		}
		if m.Advice != nil && m.Advice.Reconnect == "handshake" {
			return m, fmt.Errorf("%w (%s)", ErrRehandshake, oneLine(m.Error))
		}
		if m.Advice != nil && m.Advice.Reconnect == "none" {
			return m, fmt.Errorf("%w (%s)", ErrNoReconnect, oneLine(m.Error))
		}
		return m, fmt.Errorf("the notification service refused %s: %s", channel, oneLine(m.Error))
	}
	return message{}, fmt.Errorf("the notification service sent no answer to %s", channel)
}

// send posts one message and reads the answer array. The wait is the
// client's timeout plus, for a connect, the time the server may hold it.
func (n *Notifications) send(ctx context.Context, m message) ([]message, error) {
	path := n.Path
	if path == "" {
		path = OperationsPath
	}
	wait := n.Client.Timeout()
	if m.Channel == "/meta/connect" {
		wait += max(n.hold, 30*time.Second)
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	auth, err := n.Client.AuthHeader(ctx, n.Creds)
	if err != nil {
		return nil, err
	}
	body, _ := json.Marshal([]message{m})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.Client.BaseURL()+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", n.Client.UserAgent())
	resp, err := n.Client.HTTPClient().Do(req)
	if err != nil {
		return nil, &DialError{Path: path, Host: n.Client.Host(), Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, refusal(resp, path)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxNotificationBytes+1))
	if err != nil {
		return nil, &DialError{Path: path, Host: n.Client.Host(), Err: err}
	}
	if len(data) > maxNotificationBytes {
		return nil, fmt.Errorf("%w: a notification answer is larger than 4 MiB", tenantapi.ErrBodyTooLarge)
	}
	var answers []message
	if err := json.Unmarshal(data, &answers); err != nil {
		return nil, fmt.Errorf("%w: %s answered with something other than a Bayeux message array", tenantapi.ErrMalformedBody, path)
	}
	return answers, nil
}
