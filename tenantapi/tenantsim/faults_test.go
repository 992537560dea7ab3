package tenantsim

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"
)

func TestFaults(t *testing.T) {
	s, srv := newServer(t)
	get := func(path string) (*http.Response, []byte, error) {
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		r, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
		resp, err := srv.Client().Do(r)
		if err != nil {
			return nil, nil, err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return resp, body, err
	}

	t.Run("status burst then normal", func(t *testing.T) {
		s.SetFault(StatusBurst(2, http.StatusServiceUnavailable))
		defer s.ClearFault()
		for range 2 {
			if resp, _, err := get("/tenant/health"); err != nil || resp.StatusCode != 503 {
				t.Fatalf("burst: %v %v", resp, err)
			}
		}
		if resp, _, err := get("/tenant/health"); err != nil || resp.StatusCode != 200 {
			t.Fatalf("after burst: %v %v", resp, err)
		}
	})
	t.Run("429 with Retry-After", func(t *testing.T) {
		s.SetFault(TooManyRequests(1, "7"))
		defer s.ClearFault()
		resp, _, err := get("/tenant/health")
		if err != nil || resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "7" {
			t.Fatalf("%v %v", resp, err)
		}
	})
	t.Run("path filter", func(t *testing.T) {
		s.SetFault(Fault{PathPrefix: "/devicecontrol/", Status: 500})
		defer s.ClearFault()
		if resp, _, _ := get("/tenant/health"); resp.StatusCode != 200 {
			t.Fatalf("unfiltered path got %d", resp.StatusCode)
		}
	})
	t.Run("reset", func(t *testing.T) {
		s.SetFault(Fault{Reset: true})
		defer s.ClearFault()
		if _, _, err := get("/tenant/health"); err == nil {
			t.Fatal("no error on reset")
		}
	})
	t.Run("truncate", func(t *testing.T) {
		s.SetFault(Fault{Truncate: true})
		defer s.ClearFault()
		if _, _, err := get("/tenant/loginOptions"); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("malformed", func(t *testing.T) {
		s.SetFault(Fault{Malformed: true})
		defer s.ClearFault()
		resp, body, err := get("/tenant/loginOptions")
		if err != nil || resp.StatusCode != 200 || len(body) == 0 || body[0] != '{' {
			t.Fatalf("%v %q %v", resp, body, err)
		}
	})
	t.Run("oversize", func(t *testing.T) {
		s.SetFault(Fault{OversizeBytes: 1 << 20})
		defer s.ClearFault()
		_, body, err := get("/tenant/health")
		if err != nil || len(body) < 1<<20-16 {
			t.Fatalf("%d bytes, %v", len(body), err)
		}
	})
	t.Run("hang until client gives up", func(t *testing.T) {
		s.SetFault(Fault{Hang: true})
		defer s.ClearFault()
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		r, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/tenant/health", nil)
		if _, err := srv.Client().Do(r); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("hang released by ClearFault", func(t *testing.T) {
		s.SetFault(Fault{Hang: true})
		go func() { time.Sleep(50 * time.Millisecond); s.ClearFault() }()
		if resp, _, err := get("/tenant/health"); err != nil || resp.StatusCode != 200 {
			t.Fatalf("%v %v", resp, err)
		}
	})
	t.Run("latency", func(t *testing.T) {
		s.SetFault(Fault{Latency: 30 * time.Millisecond, Count: 1})
		defer s.ClearFault()
		if resp, _, err := get("/tenant/health"); err != nil || resp.StatusCode != 200 {
			t.Fatalf("%v %v", resp, err)
		}
	})
}
