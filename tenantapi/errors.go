package tenantapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors; errors.Is matches *Error values by status code.
var (
	ErrNotFound       = errors.New("not found")
	ErrNotYetAccepted = errors.New("the device request is not accepted yet")
	ErrUnauthorized   = errors.New("unauthorized")
	ErrForbidden      = errors.New("forbidden")
	ErrNotCumulocity  = errors.New("the URL does not answer like a Cumulocity tenant")
	ErrBodyTooLarge   = errors.New("answer too large")
	ErrMalformedBody  = errors.New("the answer is not the expected JSON")
)

// Error is a non-2xx answer from the tenant.
type Error struct {
	StatusCode int
	Code       string        // the platform's "error", e.g. "devicecontrol/Not Found"
	Message    string        // the platform's "message", cleaned to one line
	Info       string        // the platform's "info" URL
	RetryAfter time.Duration // from Retry-After (429, 503)
	Method     string
	Path       string
	Location   string // for 3xx: where the server redirects to

	notYetAccepted bool // a 404 from deviceCredentials
}

// Error is one line: `the tenant answered 401 Unauthorized
// (security/Unauthorized): Invalid credentials!`.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the tenant answered %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Code != "" {
		fmt.Fprintf(&b, " (%s)", e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Location != "" {
		b.WriteString(": redirects to " + e.Location)
	}
	return b.String()
}

// Is matches ErrNotFound (404), ErrUnauthorized (401), ErrForbidden (403)
// and, for device credential polls, ErrNotYetAccepted.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrNotYetAccepted:
		return e.notYetAccepted && e.StatusCode == http.StatusNotFound
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	}
	return false
}

// Retryable says whether trying the same call again later may succeed, and
// how long the tenant asked to wait (0 when it did not say).
// 5xx, 408, 429, network errors, timeouts and cut-off answers are worth
// another try; 401, 403, 404, 422, TLS, bad URLs and garbage answers are not.
func Retryable(err error) (retry bool, after time.Duration) {
	if err == nil {
		return false, 0
	}
	var e *Error
	if errors.As(err, &e) {
		switch {
		case e.StatusCode == http.StatusNotImplemented:
			return false, 0 // the server cannot do this at all (tenantsim: not simulated)
		case e.StatusCode == http.StatusTooManyRequests, e.StatusCode == http.StatusRequestTimeout, e.StatusCode >= 500:
			return true, e.RetryAfter
		}
		return false, 0
	}
	switch {
	case errors.Is(err, context.Canceled),
		errors.Is(err, ErrNotCumulocity),
		errors.Is(err, ErrBodyTooLarge),
		errors.Is(err, ErrMalformedBody),
		tlsProblem(err) != "":
		return false, 0
	case errors.Is(err, context.DeadlineExceeded):
		return true, 0
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return !dns.IsNotFound, 0
	}
	var te *transportError
	return errors.As(err, &te), 0
}

// transportError is a request that failed on the way: no connection, a
// timeout, a reset, an answer cut off. Its text names the call.
type transportError struct {
	Method, Path string
	Host         string // host:port the request went to
	Err          error
}

func (e *transportError) Error() string {
	return fmt.Sprintf("%s %s: %v", e.Method, e.Path, e.Err)
}

func (e *transportError) Unwrap() error { return e.Err }

// parseRetryAfter reads seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		return max(time.Duration(n)*time.Second, 0)
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

// oneLine makes server text safe for one line on a screen.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}
