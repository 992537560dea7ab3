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
	var local interface{ RetryLater() bool }
	if errors.As(err, &local) && local.RetryLater() {
		return true, 0 // a local failure that may pass (a file that could not be written)
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
	Status       int    // the status of an answer whose body broke off; 0 when none came
	Err          error
}

// CutOffSuccess reports whether err is a success answer (2xx) whose body
// broke off before it was complete: the tenant did what was asked (for
// deviceCredentials: issued the credentials, once) but the answer is lost.
func CutOffSuccess(err error) bool {
	var te *transportError
	return errors.As(err, &te) && te.Status >= 200 && te.Status <= 299
}

func (e *transportError) Error() string {
	return fmt.Sprintf("%s %s: %v", e.Method, e.Path, e.Err)
}

func (e *transportError) Unwrap() error { return e.Err }

// MaxRetryAfter caps a tenant's Retry-After: a longer one (or a huge
// number that would overflow) is taken as this, so the wait shown is the
// wait made.
const MaxRetryAfter = 10 * time.Minute

// parseRetryAfter reads seconds or an HTTP date, at most MaxRetryAfter.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		if n <= 0 && err == nil {
			return 0
		}
		if err != nil || n > int64(MaxRetryAfter/time.Second) {
			if strings.HasPrefix(v, "-") {
				return 0
			}
			return MaxRetryAfter
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), MaxRetryAfter)
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
