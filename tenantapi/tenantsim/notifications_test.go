package tenantsim

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

func basic(login, pw string) string {
	return base64.StdEncoding.EncodeToString([]byte(login + ":" + pw))
}

func post(t *testing.T, url, login, pw, body string) (int, []map[string]any) {
	t.Helper()
	r, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, url+"/notification/operations", strings.NewReader(body))
	r.SetBasicAuth(login, pw)
	r.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestBayeuxDeliversTheDevicesNewConnectOperation(t *testing.T) {
	s := New(Options{TenantID: "t1", NotificationHold: 300 * time.Millisecond,
		Users: []User{{Name: "admin", Password: adminPW, Roles: AllRoles()}}})
	srv := newTestServer(t, s)
	d := s.RegisterDevice("edge-1", nil)
	other := s.RegisterDevice("edge-2", nil)
	login := "t1/" + d.User

	st, hs := post(t, srv.URL, login, d.Password, `[{"channel":"/meta/handshake","version":"1.0","supportedConnectionTypes":["long-polling"]}]`)
	if st != 200 || len(hs) != 1 || hs[0]["successful"] != true || hs[0]["clientId"] == "" {
		t.Fatalf("handshake %d %v", st, hs)
	}
	id := hs[0]["clientId"].(string)
	_, sub := post(t, srv.URL, login, d.Password, `[{"channel":"/meta/subscribe","clientId":"`+id+`","subscription":"/`+other.ManagedObjectID+`"}]`)
	if sub[0]["successful"] != false || !strings.HasPrefix(sub[0]["error"].(string), "403") {
		t.Fatalf("subscribing to another device's channel: %v", sub)
	}
	_, sub = post(t, srv.URL, login, d.Password, `[{"channel":"/meta/subscribe","clientId":"`+id+`","subscription":"/`+d.ManagedObjectID+`"}]`)
	if sub[0]["successful"] != true {
		t.Fatalf("subscribe %v", sub)
	}
	// An idle connect is held, then answered empty.
	start := time.Now()
	_, idle := post(t, srv.URL, login, d.Password, `[{"channel":"/meta/connect","clientId":"`+id+`","connectionType":"long-polling"}]`)
	if len(idle) != 1 || idle[0]["channel"] != "/meta/connect" || time.Since(start) < 250*time.Millisecond {
		t.Fatalf("idle connect after %s: %v", time.Since(start), idle)
	}
	// A client session creates the operation; the held connect gets it.
	s.mu.Lock()
	s.raConfigs[d.ManagedObjectID] = []*raConfig{{id: "77", name: "pt", hostname: "127.0.0.1", port: 22, protocol: "PASSTHROUGH", credType: "NONE"}}
	s.mu.Unlock()
	got := make(chan []map[string]any, 1)
	go func() {
		_, m := post(t, srv.URL, login, d.Password, `[{"channel":"/meta/connect","clientId":"`+id+`","connectionType":"long-polling"}]`)
		got <- m
	}()
	time.Sleep(50 * time.Millisecond)
	h := http.Header{}
	h.Set("Authorization", "Basic "+basic("t1/admin", adminPW))
	c, _, err := websocket.Dial(t.Context(), "ws"+strings.TrimPrefix(srv.URL, "http")+"/service/remoteaccess/client/"+d.ManagedObjectID+"/configurations/77",
		&websocket.DialOptions{HTTPHeader: h, Subprotocols: []string{"binary"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	msgs := <-got
	if len(msgs) != 2 || msgs[0]["channel"] != "/"+d.ManagedObjectID {
		t.Fatalf("connect answer %v", msgs)
	}
	data := msgs[0]["data"].(map[string]any)
	op := data["data"].(map[string]any)
	frag := op["c8y_RemoteAccessConnect"].(map[string]any)
	if data["realtimeAction"] != "CREATE" || op["status"] != OpPending || frag["connectionKey"] == "" || frag["port"] != float64(22) {
		t.Fatalf("notification %v", data)
	}
	_, dis := post(t, srv.URL, login, d.Password, `[{"channel":"/meta/disconnect","clientId":"`+id+`"}]`)
	if dis[0]["successful"] != true || s.NotificationClients() != 0 {
		t.Fatalf("disconnect %v", dis)
	}
	_, again := post(t, srv.URL, login, d.Password, `[{"channel":"/meta/connect","clientId":"`+id+`","connectionType":"long-polling"}]`)
	if again[0]["successful"] != false || again[0]["advice"].(map[string]any)["reconnect"] != "handshake" {
		t.Fatalf("connect after disconnect %v", again)
	}
}

func TestRemoteAccessSessionWireRules(t *testing.T) {
	s := New(Options{TenantID: "t1", Users: []User{{Name: "admin", Password: adminPW, Roles: AllRoles()}}, RemoteAccessAttachTimeout: 50 * time.Millisecond})
	srv := newTestServer(t, s)
	d := s.RegisterDevice("edge-1", nil)
	wantStatus(t, send(t, srv, req{method: http.MethodHead, path: "/service/remoteaccess/health"}), 200, "")
	s.SetRemoteAccessSubscribed(false)
	a := send(t, srv, req{method: http.MethodGet, path: "/service/remoteaccess/health"})
	wantStatus(t, a, 404, "undefined/Not Found")
	wantStatus(t, send(t, srv, req{method: http.MethodGet, path: "/service/remoteaccess/devices/" + d.ManagedObjectID + "/configurations", login: "t1/admin", pw: adminPW}), 404, "")
	s.SetRemoteAccessSubscribed(true)
	s.mu.Lock()
	s.raConfigs[d.ManagedObjectID] = []*raConfig{{id: "77", name: "pt", hostname: "127.0.0.1", port: 22, protocol: "PASSTHROUGH", credType: "NONE"}}
	s.mu.Unlock()
	path := "/service/remoteaccess/client/" + d.ManagedObjectID + "/configurations/77"
	upgrade := map[string]string{"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
	// A client that asks for no subprotocol (go-c8y-cli, c8ylp) is
	// accepted and answered "binary", as the service does.
	noProto := upgradeOnly(t, srv, req{method: http.MethodGet, path: path, login: "t1/admin", pw: adminPW, header: upgrade})
	if noProto.status != http.StatusSwitchingProtocols || noProto.header.Get("Sec-WebSocket-Protocol") != "binary" {
		t.Fatalf("a client without a subprotocol: %d %q", noProto.status, noProto.header.Get("Sec-WebSocket-Protocol"))
	}
	// The browser's form: the token and XSRF token in the query (it cannot set headers on a WebSocket).
	login := send(t, srv, req{method: http.MethodPost, path: "/tenant/oauth?tenant_id=t1", ct: "application/x-www-form-urlencoded",
		body: "grant_type=PASSWORD&username=admin&password=" + adminPW})
	cookies := map[string]string{}
	for _, c := range (&http.Response{Header: login.header}).Cookies() {
		cookies[c.Name] = c.Value
	}
	if cookies["authorization"] == "" || cookies["XSRF-TOKEN"] == "" {
		t.Fatalf("browser login: %d %v", login.status, login.header)
	}
	browser := upgradeOnly(t, srv, req{method: http.MethodGet, path: path + "?token=" + cookies["authorization"] + "&XSRF-TOKEN=" + cookies["XSRF-TOKEN"], header: upgrade})
	if browser.status != http.StatusSwitchingProtocols {
		t.Fatalf("the browser's ?token= login: %d %s", browser.status, browser.body)
	}
	wantStatus(t, send(t, srv, req{method: http.MethodGet, path: path + "?token=" + cookies["authorization"] + "&XSRF-TOKEN=wrong", header: upgrade}), 401, "security/Unauthorized")
	wantStatus(t, send(t, srv, req{method: http.MethodGet, path: path, login: "t1/" + d.User, pw: d.Password, header: upgrade}), 403, "security/Forbidden")
	wantStatus(t, send(t, srv, req{method: http.MethodGet, path: path, header: upgrade}), 401, "security/Unauthorized")
	wantStatus(t, send(t, srv, req{method: http.MethodGet, path: "/service/remoteaccess/device/no-such-key", login: "t1/" + d.User, pw: d.Password,
		header: map[string]string{"Sec-WebSocket-Protocol": "binary", "Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}}), 404, "remoteaccess/Not Found")
}

// upgradeOnly sends a WebSocket upgrade and returns the status and
// headers without waiting for the connection to end.
func upgradeOnly(t *testing.T, srv *httptest.Server, q req) answer {
	t.Helper()
	r, err := http.NewRequestWithContext(t.Context(), q.method, srv.URL+q.path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if q.login != "" {
		r.SetBasicAuth(q.login, q.pw)
	}
	for k, v := range q.header {
		r.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return answer{status: resp.StatusCode, header: resp.Header}
}

// An operation for a child device reaches its agent's channel too (the
// agent answers for the devices below it).
func TestChildDeviceOperationReachesItsAgent(t *testing.T) {
	s := New(Options{TenantID: "t1", NotificationHold: 300 * time.Millisecond,
		Users: []User{{Name: "admin", Password: adminPW, Roles: AllRoles()}}})
	srv := newTestServer(t, s)
	agent := s.RegisterDevice("agent-1", nil)
	child := s.AddManagedObject(agent.User, map[string]any{"name": "child", "c8y_IsDevice": map[string]any{}})
	ref := req{method: http.MethodPost, path: "/inventory/managedObjects/" + agent.ManagedObjectID + "/childDevices", login: "t1/admin", pw: adminPW,
		ct: mediaType("managedObjectReference"), body: `{"managedObject":{"id":"` + child + `"}}`}
	wantStatus(t, send(t, srv, ref), 201, "")
	login := "t1/" + agent.User
	_, hs := post(t, srv.URL, login, agent.Password, `[{"channel":"/meta/handshake","version":"1.0","supportedConnectionTypes":["long-polling"]}]`)
	id := hs[0]["clientId"].(string)
	if _, sub := post(t, srv.URL, login, agent.Password, `[{"channel":"/meta/subscribe","clientId":"`+id+`","subscription":"/`+agent.ManagedObjectID+`"}]`); sub[0]["successful"] != true {
		t.Fatalf("subscribe %v", sub)
	}
	opID := s.CreateOperation(child, map[string]any{"c8y_Restart": map[string]any{}})
	_, msgs := post(t, srv.URL, login, agent.Password, `[{"channel":"/meta/connect","clientId":"`+id+`","connectionType":"long-polling"}]`)
	for _, m := range msgs {
		if data, ok := m["data"].(map[string]any); ok && m["channel"] == "/"+agent.ManagedObjectID {
			if op, _ := data["data"].(map[string]any); op["id"] == opID && op["deviceId"] == child {
				return
			}
		}
	}
	t.Fatalf("the agent's channel did not carry the child's operation: %v", msgs)
}
