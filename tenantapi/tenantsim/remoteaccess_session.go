package tenantsim

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/google/uuid"

	"github.com/edge-setup/edge-setup/tenantapi/tenantsim/wspipe"
)

// DefaultRemoteAccessAttachTimeout is the platform's default of the tenant
// option remoteaccess.operation.timeout.
const DefaultRemoteAccessAttachTimeout = 30 * time.Second

// raState is the remote access service's session side.
type raState struct {
	mu           sync.Mutex
	unsubscribed bool
	pending      map[string]*raSession // by connection key, until the device attaches
	active       int
	opened       int // client sessions opened since start
}

// raSession pairs one client WebSocket with the device that attaches to it.
type raSession struct {
	key, moID, opID string
	device          chan *websocket.Conn // the device end, or nil when its accept failed
	done            chan struct{}        // closed when the session is over
}

// acceptBinary accepts the WebSocket as the service does: it answers the
// subprotocol "binary" "regardless of which protocol is requested by the
// client" (Cumulocity's client implementation docs), so clients that ask
// for none (go-c8y-cli, c8ylp) are accepted too.
func acceptBinary(w http.ResponseWriter, r *http.Request) (*websocket.Conn, error) {
	w.Header().Set("Sec-WebSocket-Protocol", "binary")
	return websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"binary"}})
}

func (s *Sim) attachTimeout() time.Duration {
	if s.opts.RemoteAccessAttachTimeout > 0 {
		return s.opts.RemoteAccessAttachTimeout
	}
	return DefaultRemoteAccessAttachTimeout
}

// GET /service/remoteaccess/client/{id}/configurations/{cid} (WebSocket):
// the browser's end. The service creates a c8y_RemoteAccessConnect
// operation and waits for the device to attach; then it copies frames
// both ways until either end closes.
func (s *Sim) handleRAClient(w http.ResponseWriter, r *http.Request) {
	if !s.raSubscribed(w) {
		return
	}
	if s.userWith(w, r, RoleRemoteAccessAdmin) == nil {
		return
	}
	moID, cid := r.PathValue("id"), r.PathValue("cid")
	s.mu.Lock()
	var cfg *raConfig
	if i := slices.IndexFunc(s.raConfigs[moID], func(c *raConfig) bool { return c.id == cid }); i >= 0 {
		c := *s.raConfigs[moID][i]
		cfg = &c
	}
	s.mu.Unlock()
	if cfg == nil {
		writeError(w, http.StatusNotFound, "remoteaccess/Not Found",
			"No remote access configuration '"+cid+"' for device '"+moID+"'.")
		return
	}
	client, err := acceptBinary(w, r)
	if err != nil {
		return // Accept has answered
	}
	client.SetReadLimit(-1)
	sess := &raSession{key: uuid.NewString(), moID: moID, device: make(chan *websocket.Conn, 1), done: make(chan struct{})}
	defer close(sess.done)
	s.ra.mu.Lock()
	if s.ra.pending == nil {
		s.ra.pending = map[string]*raSession{}
	}
	s.ra.pending[sess.key] = sess
	s.ra.opened++
	s.ra.mu.Unlock()
	sess.opID = s.createConnectOperation(moID, cfg.hostname, cfg.port, sess.key)

	ctx := r.Context()
	timeout := s.attachTimeout()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	// While waiting, the client is watched: a client that leaves ends the
	// wait, and a first message it sends (an SSH client's banner) is kept
	// for the device.
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	watch := make(chan wspipe.First, 1)
	go func() {
		typ, rd, err := client.Reader(watchCtx)
		if err != nil {
			watch <- wspipe.First{Err: err}
			return
		}
		data, err := io.ReadAll(io.LimitReader(rd, 1<<20))
		watch <- wspipe.First{Type: typ, Data: data, Err: err}
	}()
	var first *wspipe.First // arrived before the device
	var device *websocket.Conn
	for device == nil {
		select {
		case device = <-sess.device:
			if device == nil {
				client.Close(websocket.StatusInternalError, "The device connection could not be set up.")
				return
			}
		case f := <-watch:
			watch = nil
			if f.Err != nil { // the client left before the device came
				s.dropPending(sess.key) // a device that took it meanwhile is closed by its handler
				client.CloseNow()
				return
			}
			first = &f
		case <-timer.C:
			if s.dropPending(sess.key) {
				// The operation stays as the device left it (the platform
				// does not fail it); the client only learns the reason.
				client.Close(websocket.StatusTryAgainLater,
					fmt.Sprintf("Device did not connect within %s.", timeout.Round(time.Second)))
				return
			}
			// The device took the session just now: its end is on the way.
		}
	}
	pending := watch // the client's first message, still to come
	if first != nil {
		ready := make(chan wspipe.First, 1)
		ready <- *first
		pending = ready
	}
	s.ra.mu.Lock()
	s.ra.active++
	s.ra.mu.Unlock()
	wspipe.Pipe(client, device, pending)
	s.ra.mu.Lock()
	s.ra.active--
	s.ra.mu.Unlock()
}

// dropPending removes a session still waiting; false when the device took it.
func (s *Sim) dropPending(key string) bool {
	s.ra.mu.Lock()
	defer s.ra.mu.Unlock()
	if _, ok := s.ra.pending[key]; !ok {
		return false
	}
	delete(s.ra.pending, key)
	return true
}

// createConnectOperation queues the operation the service creates for a
// session; the tenant's change feed (Watch) tells the notification clients.
func (s *Sim) createConnectOperation(moID, host string, port int, key string) string {
	s.mu.Lock()
	o := s.createOperationLocked(moID, map[string]any{
		"description": "Connect to remote access server",
		"c8y_RemoteAccessConnect": map[string]any{
			"hostname": host, "port": port, "connectionKey": key,
		},
	})
	s.mu.Unlock()
	s.flush()
	return o.id
}

// GET /service/remoteaccess/device/{key} (WebSocket): the device's end,
// with the device's credentials. A key is good once, while its client waits.
func (s *Sim) handleRADevice(w http.ResponseWriter, r *http.Request) {
	if !s.raSubscribed(w) {
		return
	}
	a := s.user(w, r)
	if a == nil {
		return
	}
	key := r.PathValue("key")
	s.ra.mu.Lock()
	sess := s.ra.pending[key]
	s.ra.mu.Unlock()
	if sess == nil {
		writeError(w, http.StatusNotFound, "remoteaccess/Not Found", "No remote access session is waiting for this connection key.")
		return
	}
	s.mu.Lock()
	owns := s.ownsDeviceLocked(a, sess.moID)
	s.mu.Unlock()
	if !owns && (a.isDevice() || !a.has(RoleRemoteAccessAdmin)) {
		writeForbidden(w)
		return
	}
	if !s.dropPending(key) { // single use: the first device to come takes it
		writeError(w, http.StatusNotFound, "remoteaccess/Not Found", "No remote access session is waiting for this connection key.")
		return
	}
	device, err := acceptBinary(w, r)
	if err != nil {
		sess.device <- nil
		return
	}
	device.SetReadLimit(-1)
	defer device.CloseNow()
	sess.device <- device
	// The client's handler copies; this one holds the request until the
	// device end is closed, so the server does not consider it finished.
	<-sess.done
}

// randomID is a Bayeux client id.
func randomID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x", b)
}
