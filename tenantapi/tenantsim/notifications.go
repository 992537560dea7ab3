package tenantsim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// DefaultNotificationHold is how long the sim holds an idle Bayeux connect.
const DefaultNotificationHold = 10 * time.Second

// bayeuxState is the real-time notification service of /notification/operations.
type bayeuxState struct {
	mu      sync.Mutex
	clients map[string]*bayeuxClient
	watch   sync.Once // the tenant's change feed, hooked at the first handshake
}

type bayeuxClient struct {
	acct  *account
	subs  map[string]bool
	queue []map[string]any
	wake  chan struct{} // signalled when the queue grows
}

// NotificationClients is how many Bayeux clients are handshaken now.
func (s *Sim) NotificationClients() int {
	s.bayeux.mu.Lock()
	defer s.bayeux.mu.Unlock()
	return len(s.bayeux.clients)
}

// DropNotificationClients forgets every Bayeux client, as a platform
// restart does: their next connect is told to handshake again.
func (s *Sim) DropNotificationClients() {
	s.bayeux.mu.Lock()
	defer s.bayeux.mu.Unlock()
	for _, c := range s.bayeux.clients {
		close(c.wake)
	}
	s.bayeux.clients = nil
}

func (s *Sim) notificationHold() time.Duration {
	if s.opts.NotificationHold > 0 {
		return s.opts.NotificationHold
	}
	return DefaultNotificationHold
}

// operationChannels is "/<device>" and "/<parent>" for every device above
// it (childDevices, transitively, at most 10 levels).
func (s *Sim) operationChannels(dev string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []string{"/" + dev}
	seen := map[string]bool{dev: true}
	level := []string{dev}
	for depth := 0; depth < 10 && len(level) > 0; depth++ {
		var next []string
		for _, id := range level {
			for _, p := range s.parentsLocked(id, "childDevices") {
				if !seen[p] {
					seen[p] = true
					out = append(out, "/"+p)
					next = append(next, p)
				}
			}
		}
		level = next
	}
	return out
}

// publish queues a realtime message for every client subscribed to
// channel (or to "/*").
func (s *Sim) publish(channel, action string, obj map[string]any) {
	msg := map[string]any{"channel": channel, "data": map[string]any{"realtimeAction": action, "data": obj}}
	s.bayeux.mu.Lock()
	defer s.bayeux.mu.Unlock()
	for _, c := range s.bayeux.clients {
		if c.subs[channel] || c.subs["/*"] {
			c.queue = append(c.queue, deepCopy(msg))
			select {
			case c.wake <- struct{}{}:
			default:
			}
		}
	}
}

// POST /notification/operations: Bayeux messages (a JSON array) for
// handshake, subscribe, connect (long poll) and disconnect.
func (s *Sim) handleNotifications(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeMethodNotAllowed(w, r, http.MethodPost)
		return
	}
	a := s.user(w, r)
	if a == nil {
		return
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil || len(data) > maxBodyBytes {
		writeError(w, http.StatusBadRequest, "undefined/badRequest", "Cannot read the request body.")
		return
	}
	var in []map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if dec.Decode(&in) != nil {
		var one map[string]any // a single message is allowed too
		if json.Unmarshal(data, &one) != nil || one == nil {
			writeError(w, http.StatusBadRequest, "undefined/badRequest", "The request body is not a Bayeux message array.")
			return
		}
		in = []map[string]any{one}
	}
	var out []map[string]any
	for _, m := range in {
		out = append(out, s.bayeuxMessage(r, a, m)...)
	}
	if out == nil {
		out = []map[string]any{}
	}
	body, _ := json.Marshal(out)
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

func (s *Sim) bayeuxMessage(r *http.Request, a *account, m map[string]any) []map[string]any {
	channel, clientID := str(m, "channel"), str(m, "clientId")
	reply := map[string]any{"channel": channel, "successful": true}
	if id := str(m, "id"); id != "" {
		reply["id"] = id
	}
	fail := func(e string, handshake bool) []map[string]any {
		reply["successful"], reply["error"] = false, e
		if handshake {
			reply["advice"] = map[string]any{"reconnect": "handshake", "interval": 0}
		}
		return []map[string]any{reply}
	}
	if channel == "/meta/handshake" {
		s.bayeux.watch.Do(func() {
			// Every operation created or changed (over REST, by the remote
			// access service, by a test) reaches the device's channel. The
			// watch lives as long as the Sim.
			s.Watch(func(c Change) {
				if c.API == APIOperation && c.Object != nil {
					if dev := str(c.Object, "deviceId"); dev != "" {
						// The device's channel and its agents' (the devices it is a
						// child device of): an agent hears its children's operations.
						for _, ch := range s.operationChannels(dev) {
							s.publish(ch, c.Action, c.Object)
						}
					}
				}
			})
		})
		id := randomID()
		s.bayeux.mu.Lock()
		if s.bayeux.clients == nil {
			s.bayeux.clients = map[string]*bayeuxClient{}
		}
		s.bayeux.clients[id] = &bayeuxClient{acct: a, subs: map[string]bool{}, wake: make(chan struct{}, 1)}
		s.bayeux.mu.Unlock()
		reply["clientId"], reply["version"] = id, "1.0"
		reply["supportedConnectionTypes"] = []string{"long-polling"}
		reply["advice"] = map[string]any{"reconnect": "retry", "interval": 0, "timeout": s.notificationHold().Milliseconds()}
		return []map[string]any{reply}
	}
	reply["clientId"] = clientID
	s.bayeux.mu.Lock()
	c := s.bayeux.clients[clientID]
	s.bayeux.mu.Unlock()
	if c == nil || c.acct != a {
		return fail("402::Unknown client", true)
	}
	switch channel {
	case "/meta/subscribe":
		sub := str(m, "subscription")
		reply["subscription"] = sub
		moID, ok := strings.CutPrefix(sub, "/")
		if !ok || moID == "" {
			return fail("400::Unknown channel "+sub, false)
		}
		s.mu.Lock()
		allowed := (!a.isDevice() && a.has(RoleDeviceControlRead)) || (moID != "*" && s.ownsDeviceLocked(a, moID))
		s.mu.Unlock()
		if !allowed {
			return fail("403::Forbidden", false)
		}
		s.bayeux.mu.Lock()
		c.subs[sub] = true
		s.bayeux.mu.Unlock()
		return []map[string]any{reply}
	case "/meta/unsubscribe":
		s.bayeux.mu.Lock()
		delete(c.subs, str(m, "subscription"))
		s.bayeux.mu.Unlock()
		return []map[string]any{reply}
	case "/meta/disconnect":
		s.bayeux.mu.Lock()
		delete(s.bayeux.clients, clientID)
		s.bayeux.mu.Unlock()
		return []map[string]any{reply}
	case "/meta/connect":
		return append(s.bayeuxWait(r, clientID, c), mergeAdvice(reply, s.notificationHold()))
	}
	return fail("400::Unknown channel "+channel, false)
}

func mergeAdvice(reply map[string]any, hold time.Duration) map[string]any {
	reply["advice"] = map[string]any{"reconnect": "retry", "interval": 0, "timeout": hold.Milliseconds()}
	return reply
}

// bayeuxWait holds a connect until a message is queued, the hold ends or
// the client goes away, and hands out what is queued.
func (s *Sim) bayeuxWait(r *http.Request, id string, c *bayeuxClient) []map[string]any {
	timer := time.NewTimer(s.notificationHold())
	defer timer.Stop()
	for {
		s.bayeux.mu.Lock()
		if s.bayeux.clients[id] != c { // dropped meanwhile
			s.bayeux.mu.Unlock()
			return nil
		}
		if q := c.queue; len(q) > 0 {
			c.queue = nil
			s.bayeux.mu.Unlock()
			return q
		}
		s.bayeux.mu.Unlock()
		select {
		case _, ok := <-c.wake:
			if !ok {
				return nil
			}
		case <-timer.C:
			return nil
		case <-r.Context().Done():
			return nil
		}
	}
}
