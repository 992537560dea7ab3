package tenantsim

import (
	"net/http"
	"strings"
	"time"
)

// RequestRecord is one request the tenant saw. It never holds a password.
type RequestRecord struct {
	Method    string
	Path      string
	Query     string
	Status    int    // 0 when the connection was reset or the client gave up
	User      string // login name from the Basic header, e.g. "t1234567/device_x"; "" without one
	Time      time.Time
	HasAppKey bool // the request carried X-Cumulocity-Application-Key
}

// recorder remembers the status written through it.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (s *Sim) record(r *http.Request, rec *recorder, start time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, RequestRecord{
		Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Status: rec.status,
		User: s.requestUserLocked(r), Time: start,
		HasAppKey: r.Header.Get("X-Cumulocity-Application-Key") != "",
	})
}

// Requests is a copy of the request log, oldest first.
func (s *Sim) Requests() []RequestRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]RequestRecord(nil), s.log...)
}

// CountRequests counts logged requests with the method ("" for any) whose
// path starts with pathPrefix.
func (s *Sim) CountRequests(method, pathPrefix string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, rr := range s.log {
		if (method == "" || rr.Method == method) && strings.HasPrefix(rr.Path, pathPrefix) {
			n++
		}
	}
	return n
}

// ResetLog forgets the logged requests.
func (s *Sim) ResetLog() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
}
