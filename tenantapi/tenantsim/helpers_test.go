package tenantsim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	bootPW  = "boot-secret-1"
	adminPW = "admin-pass-1"
)

// newServer starts a sim with an admin holding every role, a reader and a
// user without roles.
func newServer(t *testing.T) (*Sim, *httptest.Server) {
	t.Helper()
	s := New(Options{
		BootstrapPassword: bootPW,
		Users: []User{
			{Name: "admin", Password: adminPW, Roles: AllRoles()},
			{Name: "reader", Password: "reader-pass", Roles: []string{RoleDeviceControlRead}},
			{Name: "nobody", Password: "nobody-pass"},
		},
	})
	srv := httptest.NewServer(s)
	t.Cleanup(func() {
		s.ClearFault()
		srv.Close()
	})
	return s, srv
}

type req struct {
	method, path string
	login, pw    string // Basic auth when login != ""
	ct, accept   string
	body         string
	header       map[string]string
}

type answer struct {
	status int
	header http.Header
	body   string
	json   map[string]any
}

func send(t *testing.T, srv *httptest.Server, q req) answer {
	t.Helper()
	var body io.Reader
	if q.body != "" {
		body = strings.NewReader(q.body)
	}
	r, err := http.NewRequestWithContext(t.Context(), q.method, srv.URL+q.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if q.login != "" {
		r.SetBasicAuth(q.login, q.pw)
	}
	if q.ct != "" {
		r.Header.Set("Content-Type", q.ct)
	}
	if q.accept != "" {
		r.Header.Set("Accept", q.accept)
	}
	for k, v := range q.header {
		r.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", q.method, q.path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", q.method, q.path, err)
	}
	a := answer{status: resp.StatusCode, header: resp.Header, body: string(data)}
	if len(data) > 0 {
		_ = json.Unmarshal(data, &a.json)
	}
	return a
}

// admin is a request as the admin with JSON media types.
func admin(method, path, media, body string) req {
	q := req{method: method, path: path, login: "t1234567/admin", pw: adminPW, body: body}
	if media != "" {
		q.accept = mediaType(media)
		if body != "" {
			q.ct = mediaType(media)
		}
	}
	return q
}

func wantStatus(t *testing.T, a answer, status int, code string) {
	t.Helper()
	if a.status != status {
		t.Fatalf("status %d, want %d; body %s", a.status, status, a.body)
	}
	if code == "" {
		return
	}
	if got := a.json["error"]; got != code {
		t.Fatalf("error %v, want %q; body %s", got, code, a.body)
	}
	if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, errorType) {
		t.Fatalf("error content type %q", ct)
	}
	if a.json["info"] == "" || a.json["message"] == "" {
		t.Fatalf("error body lacks message or info: %s", a.body)
	}
}

func newTestServer(t *testing.T, s *Sim) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv
}
