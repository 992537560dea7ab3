package tenantapi

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

func TestErrorText(t *testing.T) {
	e := &Error{StatusCode: 401, Code: "security/Unauthorized", Message: "Invalid credentials!"}
	if got, want := e.Error(), "the tenant answered 401 Unauthorized (security/Unauthorized): Invalid credentials!"; got != want {
		t.Fatalf("got %q", got)
	}
	if !errors.Is(e, ErrUnauthorized) || errors.Is(e, ErrNotFound) || errors.Is(e, ErrForbidden) {
		t.Fatal("Is mismatch")
	}
	if got := oneLine("a\n  b\t{\"x\"}\r\n"); got != `a b {"x"}` {
		t.Fatalf("oneLine %q", got)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"7", 7 * time.Second},
		{" 120 ", 2 * time.Minute},
		{"-3", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0},
		{"soon", 0},
	}
	for _, tc := range tests {
		if got := parseRetryAfter(tc.in, now); got != tc.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestFaultsOverHTTP drives every failure the sim can inject through the
// client and checks the error class, Retryable and Explain.
func TestFaultsOverHTTP(t *testing.T) {
	tests := []struct {
		name      string
		fault     tenantsim.Fault
		opts      func(*Options)
		ctxLimit  time.Duration
		check     func(t *testing.T, err error)
		retry     bool
		after     time.Duration
		explainIn string
	}{
		{name: "503 burst", fault: tenantsim.StatusBurst(1, 503), retry: true, explainIn: "try again",
			check: func(t *testing.T, err error) { wantStatusErr(t, err, 503, "undefined/ServiceUnavailable") }},
		{name: "500", fault: tenantsim.StatusBurst(1, 500), retry: true, explainIn: "500 Internal Server Error"},
		{name: "502 proxy page", fault: tenantsim.Fault{Status: 502, Malformed: true}, retry: true, explainIn: "502 Bad Gateway",
			check: func(t *testing.T, err error) { wantStatusErr(t, err, 502, "") }},
		{name: "503 truncated", fault: tenantsim.Fault{Status: 503, Truncate: true}, retry: true, explainIn: "broke off"},
		{name: "429 seconds", fault: tenantsim.TooManyRequests(1, "7"), retry: true, after: 7 * time.Second, explainIn: "wait 7s"},
		{name: "reset", fault: tenantsim.Fault{Reset: true}, retry: true, explainIn: "broke off"},
		{name: "truncated 200", fault: tenantsim.Fault{Truncate: true}, retry: true, explainIn: "broke off",
			check: func(t *testing.T, err error) {
				if !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("err %v", err)
				}
			}},
		{name: "malformed 200", fault: tenantsim.Fault{Malformed: true}, retry: false, explainIn: "proxy",
			check: func(t *testing.T, err error) {
				if !errors.Is(err, ErrMalformedBody) {
					t.Fatalf("err %v", err)
				}
			}},
		{name: "oversized", fault: tenantsim.Fault{OversizeBytes: 20 << 20}, retry: false, explainIn: "larger than 4 MiB",
			check: func(t *testing.T, err error) {
				if !errors.Is(err, ErrBodyTooLarge) {
					t.Fatalf("err %v", err)
				}
			}},
		{name: "oversized small cap", fault: tenantsim.Fault{OversizeBytes: 64 << 10}, opts: func(o *Options) { o.MaxBodyBytes = 1 << 10 }, retry: false, explainIn: "larger than 1 KiB"},
		{name: "hang, caller deadline", fault: tenantsim.Fault{Hang: true}, ctxLimit: 200 * time.Millisecond, retry: true, explainIn: "did not answer in time",
			check: func(t *testing.T, err error) {
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("err %v", err)
				}
			}},
		{name: "hang, client timeout", fault: tenantsim.Fault{Hang: true}, opts: func(o *Options) { o.Timeout = 200 * time.Millisecond }, retry: true, explainIn: "did not answer in time"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mods := []func(*Options){}
			if tc.opts != nil {
				mods = append(mods, tc.opts)
			}
			e := newEnv(t, mods...)
			e.sim.SetFault(tc.fault)
			ctx := t.Context()
			if tc.ctxLimit > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.ctxLimit)
				defer cancel()
			}
			_, err := e.c.CurrentTenant(ctx, admin)
			if err == nil {
				t.Fatal("no error")
			}
			if tc.check != nil {
				tc.check(t, err)
			}
			retry, after := Retryable(err)
			if retry != tc.retry || after != tc.after {
				t.Fatalf("Retryable(%v) = %v, %v; want %v, %v", err, retry, after, tc.retry, tc.after)
			}
			ex := Explain(err)
			t.Logf("%s -> %s", tc.name, ex)
			if !strings.Contains(ex, tc.explainIn) {
				t.Fatalf("Explain = %q, want it to mention %q", ex, tc.explainIn)
			}
			assertOperatorText(t, ex)
		})
	}
}

func TestRetryAfterHTTPDate(t *testing.T) {
	e := newEnv(t)
	e.sim.SetFault(tenantsim.TooManyRequests(1, time.Now().Add(5*time.Minute).UTC().Format(http.TimeFormat)))
	_, err := e.c.CurrentUser(t.Context(), admin)
	retry, after := Retryable(err)
	if !retry || after < 4*time.Minute || after > 5*time.Minute {
		t.Fatalf("Retryable = %v, %v", retry, after)
	}
	// A date an hour ahead is capped at MaxRetryAfter: the wait named is the wait made.
	e.sim.SetFault(tenantsim.TooManyRequests(1, time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)))
	_, err = e.c.CurrentUser(t.Context(), admin)
	if retry, after := Retryable(err); !retry || after != MaxRetryAfter {
		t.Fatalf("an hour: Retryable = %v, %v; want %v", retry, after, MaxRetryAfter)
	}
	// The burst is over: the next call works.
	if _, err := e.c.CurrentUser(t.Context(), admin); err != nil {
		t.Fatal(err)
	}
}

// A Retry-After too large for a time.Duration does not overflow into a
// negative or random wait: it is capped, and the message names the cap.
func TestRetryAfterHugeIsCapped(t *testing.T) {
	now := time.Now()
	for _, v := range []string{"99999999999999999999", "9223372036", "86400"} {
		if got := parseRetryAfter(v, now); got != MaxRetryAfter {
			t.Errorf("parseRetryAfter(%s) = %v, want %v", v, got, MaxRetryAfter)
		}
	}
	for _, v := range []string{"-5", "-99999999999999999999", "0", "soon"} {
		if got := parseRetryAfter(v, now); got != 0 {
			t.Errorf("parseRetryAfter(%s) = %v, want 0", v, got)
		}
	}
	ex := Explain(&Error{StatusCode: 429, RetryAfter: parseRetryAfter("99999999999999999999", now)})
	if !strings.Contains(ex, "wait 10m0s") {
		t.Errorf("Explain = %q, want the capped wait", ex)
	}
}

func TestRetryableClasses(t *testing.T) {
	tests := []struct {
		err   error
		retry bool
	}{
		{nil, false},
		{&Error{StatusCode: 401}, false},
		{&Error{StatusCode: 403}, false},
		{&Error{StatusCode: 404}, false},
		{&Error{StatusCode: 409}, false},
		{&Error{StatusCode: 422}, false},
		{&Error{StatusCode: 408}, true},
		{&Error{StatusCode: 500}, true},
		{&Error{StatusCode: 504}, true},
		{fmt.Errorf("wrapped: %w", &Error{StatusCode: 503, RetryAfter: time.Second}), true},
		{context.Canceled, false},
		{&transportError{Method: "GET", Path: "/x", Err: context.Canceled}, false},
		{&transportError{Method: "GET", Path: "/x", Err: errors.New("boom")}, true},
		{fmt.Errorf("%w: x", ErrNotCumulocity), false},
		{errors.New("unrelated"), false},
	}
	for _, tc := range tests {
		if got, _ := Retryable(tc.err); got != tc.retry {
			t.Errorf("Retryable(%v) = %v, want %v", tc.err, got, tc.retry)
		}
	}
}

func TestEmptyBodyWhenAcceptIsStripped(t *testing.T) {
	// A proxy that drops Accept makes the tenant answer POST/PUT with no
	// body: calls that need the answer say so; calls that do not, succeed.
	e := newEnv(t)
	strip := quietServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Del("Accept")
		e.sim.ServeHTTP(w, r)
	}))
	c, err := New(Options{BaseURL: strip.URL})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.CreateManagedObject(t.Context(), admin, map[string]any{"name": "x"})
	if !errors.Is(err, ErrMalformedBody) || !strings.Contains(err.Error(), "empty body") {
		t.Fatalf("create: %v", err)
	}
	if err := c.UpdateManagedObject(t.Context(), admin, "10001", map[string]any{"a": 1}); err != nil {
		t.Fatalf("update: %v", err)
	}
}

func TestDebugTraceIsRedacted(t *testing.T) {
	var buf bytes.Buffer
	e := newEnv(t, func(o *Options) { o.Debug = &buf })
	ctx := t.Context()
	_, _ = e.c.RequestDeviceCredentials(ctx, boot, "dbg")
	_ = e.c.ChangeOwnPassword(ctx, admin, adminPW, "brand-new-secret")
	_, _ = e.c.CurrentUser(ctx, Credentials{User: "admin", Password: "brand-new-secret"})
	out := buf.String()
	for _, want := range []string{"POST " + e.srv.URL + "/devicecontrol/deviceCredentials as management/devicebootstrap -> 404 Not Found", "PUT ", "GET "} {
		if !strings.Contains(out, want) {
			t.Fatalf("trace lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{bootPW, adminPW, "brand-new-secret", "Authorization", "Basic ",
		base64.StdEncoding.EncodeToString([]byte("management/devicebootstrap:" + bootPW))} {
		if strings.Contains(out, secret) {
			t.Fatalf("trace leaks %q:\n%s", secret, out)
		}
	}
	// Four: the first request as a tenant user asks loginOptions how users log in.
	if n := strings.Count(out, "\n"); n != 4 || !strings.Contains(out, "GET "+e.srv.URL+"/tenant/loginOptions -> 200") {
		t.Fatalf("%d trace lines:\n%s", n, out)
	}
}

func TestNewValidatesOptions(t *testing.T) {
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"empty", Options{}, "no tenant URL"},
		{"no scheme", Options{BaseURL: "acme.cumulocity.com"}, "not a tenant URL"},
		{"ftp", Options{BaseURL: "ftp://acme"}, "not a tenant URL"},
		{"user info", Options{BaseURL: "https://u:p@acme.cumulocity.com"}, "must not carry"},
		{"missing CA", Options{BaseURL: "https://acme", CACertFile: "/nonexistent/ca.pem"}, "--ca-cert"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), ":p@") {
				t.Fatal("password echoed")
			}
		})
	}
	c, err := New(Options{BaseURL: " https://acme.cumulocity.com/ "})
	if err != nil || c.BaseURL() != "https://acme.cumulocity.com" {
		t.Fatalf("%v %v", c, err)
	}
}

func wantStatusErr(t *testing.T, err error, status int, code string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.StatusCode != status || e.Code != code {
		t.Fatalf("err %#v, want %d %q", err, status, code)
	}
}

// assertOperatorText: one line, no JSON, no Go internals.
func assertOperatorText(t *testing.T, s string) {
	t.Helper()
	if s == "" || strings.ContainsAny(s, "\n{}") || strings.Contains(s, "goroutine") || strings.Contains(s, "*url.Error") {
		t.Fatalf("not operator text: %q", s)
	}
}
