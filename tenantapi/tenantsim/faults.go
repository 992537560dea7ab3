package tenantsim

import (
	"bytes"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Fault makes the tenant misbehave like a real network or platform can.
// Several effects may be combined; Latency comes first.
type Fault struct {
	PathPrefix string // only requests whose path starts with this ("" = all)
	Method     string // only this method ("" = all)
	Count      int    // the next Count matching requests; 0 = every one until ClearFault

	Latency    time.Duration // wait this long before answering (gives up with the client)
	Status     int           // answer with this status and an error body (500, 502, 503, 429...) instead of serving
	RetryAfter string        // Retry-After header with Status: seconds ("2") or an HTTP date
	Reset      bool          // close the connection with a TCP reset, no answer
	Hang       bool          // never answer while the fault is set (until the client gives up)
	Truncate   bool          // cut the body in half (Content-Length promises all of it)
	Malformed  bool          // replace the body with invalid JSON (with Status: an HTML proxy page)

	OversizeBytes int64 // answer 200 with a JSON body this large (e.g. 20 << 20)
}

// StatusBurst answers the next n requests with status (500, 502, 503...).
func StatusBurst(n, status int) Fault { return Fault{Count: n, Status: status} }

// TooManyRequests answers the next n requests 429 with the Retry-After value.
func TooManyRequests(n int, retryAfter string) Fault {
	return Fault{Count: n, Status: http.StatusTooManyRequests, RetryAfter: retryAfter}
}

type activeFault struct {
	f       Fault
	left    int
	release chan struct{} // closed when the fault is replaced or cleared
}

// SetFault switches a fault on, replacing the previous one.
func (s *Sim) SetFault(f Fault) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	if s.fault != nil {
		close(s.fault.release)
	}
	s.fault = &activeFault{f: f, left: f.Count, release: make(chan struct{})}
}

// ClearFault switches faults off; hanging requests are then served.
func (s *Sim) ClearFault() {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	if s.fault != nil {
		close(s.fault.release)
		s.fault = nil
	}
}

// takeFault returns the fault for r, counting it down, or nil.
func (s *Sim) takeFault(r *http.Request) (*Fault, <-chan struct{}) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	af := s.fault
	if af == nil || !strings.HasPrefix(r.URL.Path, af.f.PathPrefix) || (af.f.Method != "" && af.f.Method != r.Method) {
		return nil, nil
	}
	if af.f.Count > 0 {
		if af.left == 0 {
			return nil, nil
		}
		af.left--
	}
	f := af.f
	return &f, af.release
}

// applyFault misbehaves for r if a fault matches; true means r is answered.
func (s *Sim) applyFault(w *recorder, r *http.Request) bool {
	f, release := s.takeFault(r)
	if f == nil {
		return false
	}
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		defer t.Stop()
		select {
		case <-r.Context().Done():
			return true
		case <-release:
		case <-t.C:
		}
	}
	switch {
	case f.Hang:
		select {
		case <-r.Context().Done():
			return true
		case <-release:
			return false
		}
	case f.Reset:
		reset(w.ResponseWriter)
		return true
	case f.Status != 0:
		faultStatus(w, f)
		return true
	case f.OversizeBytes > 0:
		oversize(w, f.OversizeBytes)
		return true
	case f.Truncate || f.Malformed:
		buf := &bufferWriter{header: http.Header{}}
		s.serve(buf, r)
		mangle(w, buf, f)
		return true
	}
	return false
}

// reset closes the connection with a TCP RST (or aborts the stream).
func reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func faultStatus(w http.ResponseWriter, f *Fault) {
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	text := http.StatusText(f.Status)
	msg := "The platform cannot serve the request right now."
	if f.Status == http.StatusTooManyRequests {
		msg = "Too many requests: the tenant's request limit is reached."
	}
	switch {
	case f.Malformed:
		body := "<html><head><title>" + strconv.Itoa(f.Status) + " " + text + "</title></head><body>" + text + "</body></html>\n"
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(body))
	case f.Truncate:
		buf := &bufferWriter{header: http.Header{}}
		writeError(buf, f.Status, "undefined/"+strings.ReplaceAll(text, " ", ""), msg)
		mangle(w, buf, f)
	default:
		writeError(w, f.Status, "undefined/"+strings.ReplaceAll(text, " ", ""), msg)
	}
}

// oversize streams a valid JSON object of n bytes.
func oversize(w http.ResponseWriter, n int64) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write([]byte(`{"pad":"`)); err != nil {
		return
	}
	chunk := bytes.Repeat([]byte("x"), 32<<10)
	for left := n - 10; left > 0; left -= int64(len(chunk)) {
		if _, err := w.Write(chunk[:min(int64(len(chunk)), left)]); err != nil {
			return
		}
	}
	_, _ = w.Write([]byte(`"}`))
}

// mangle sends the buffered answer truncated or malformed.
func mangle(w http.ResponseWriter, buf *bufferWriter, f *Fault) {
	for k, v := range buf.header {
		w.Header()[k] = v
	}
	body := buf.body.Bytes()
	status := buf.status
	if status == 0 {
		status = http.StatusOK
	}
	if f.Malformed {
		body = []byte(`{"id": "1", "status": ACCEPTED,, <html>`)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if f.Truncate {
		body = body[:len(body)/2]
	}
	_, _ = w.Write(body)
}

// bufferWriter collects an answer so a fault can change it.
type bufferWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferWriter) Header() http.Header { return b.header }
func (b *bufferWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}
func (b *bufferWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}
