package diagnose

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/system"
)

// CheckStatus is the verdict of one diagnostic check.
type CheckStatus int

const (
	CheckOK      CheckStatus = iota // fine
	CheckWarn                       // works, but read the detail
	CheckFail                       // broken: the detail says why, Fix what to do
	CheckSkipped                    // not run: an earlier check failed, or it does not apply
)

func (s CheckStatus) String() string {
	switch s {
	case CheckOK:
		return "ok"
	case CheckWarn:
		return "warn"
	case CheckFail:
		return "fail"
	case CheckSkipped:
		return "skipped"
	}
	return "unknown"
}

// MarshalText makes the status "ok", "warn", "fail" or "skipped" in JSON.
func (s CheckStatus) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Check is the outcome of one diagnostic check. Detail says what was seen;
// for a warning or failure Fix says what to do. Neither holds a secret.
type Check struct {
	Name   string      `json:"name"`
	Status CheckStatus `json:"status"`
	Detail string      `json:"detail"`
	Fix    string      `json:"fix,omitempty"`
}

// ChecksFailed reports whether any check failed.
func ChecksFailed(checks []Check) bool {
	for _, c := range checks {
		if c.Status == CheckFail {
			return true
		}
	}
	return false
}

// Names of the checks, in the order they run (the proxy tunnel only when a
// proxy is in use).
const (
	DiagURL    = "Tenant URL"
	DiagProxy  = "Proxy"
	DiagDNS    = "DNS"
	DiagTCP    = "TCP"
	DiagTunnel = "Proxy tunnel"
	DiagTLS    = "TLS"
	DiagHTTP   = "HTTP"
	DiagClock  = "Clock"
)

// Clock skew limits: beyond the warning, tokens may already be refused;
// beyond the failure, TLS certificates and logins break.
const (
	ClockSkewWarn = 30 * time.Second
	ClockSkewFail = 5 * time.Minute
)

// certExpiryWarn is how early an expiring tenant certificate is reported.
const certExpiryWarn = 14 * 24 * time.Hour

// DefaultDiagnoseTimeout bounds each network check.
const DefaultDiagnoseTimeout = 10 * time.Second

// Diagnostics configures Diagnose. The zero value uses the system resolver
// and DefaultDiagnoseTimeout.
type Diagnostics struct {
	// Resolver, when set, replaces the system resolver for the DNS and TCP
	// checks (tests use a fake DNS server on the loopback).
	Resolver *net.Resolver
	// Timeout bounds each network check; 0 means DefaultDiagnoseTimeout.
	Timeout time.Duration
}

// Diagnose checks the way from this machine to the tenant, one step at a
// time: the URL, the proxy in use (HTTPS_PROXY and NO_PROXY, with the
// semantics of http.ProxyFromEnvironment), DNS, TCP, the proxy's CONNECT
// tunnel, TLS (issuer, expiry, host name; the CA of --ca-cert is trusted),
// GET /tenant/loginOptions through tenantapi, and the clock against the
// tenant's Date header. url "" means the configured tenant URL.
//
// For each check emit receives SubStepStarted (unless it is skipped), then
// SubStepDone (ok), Warning, SubStepFailed or SubStepSkipped carrying the
// detail, then, when there is one, an Info event with the check's name
// carrying the fix. The same checks are returned in order.
func Diagnose(ctx context.Context, env *steps.Env, url string, emit steps.Emit) []Check {
	return Diagnostics{}.Run(ctx, env, url, emit)
}

// Run is Diagnose with d's settings.
func (d Diagnostics) Run(ctx context.Context, env *steps.Env, rawURL string, emit steps.Emit) []Check {
	if emit == nil {
		emit = func(steps.Event) {}
	}
	if d.Timeout <= 0 {
		d.Timeout = DefaultDiagnoseTimeout
	}
	r := &diagRun{d: d, env: env, emit: emit}
	r.run(ctx, rawURL)
	return r.checks
}

// diagRun is one run of the checks.
type diagRun struct {
	d      Diagnostics
	env    *steps.Env
	emit   steps.Emit
	checks []Check

	tenant      *url.URL // normalised tenant URL
	proxy       *url.URL // nil: direct
	proxyVar    string   // the variable the proxy came from
	target      string   // host:port the TCP connection goes to (tenant or proxy)
	conn        net.Conn
	failed      string // name of the first failed check: later ones are skipped
	certRefused bool   // the TLS handshake worked but the certificate is refused
	date        time.Time
	dateAt      time.Time // local time the Date header arrived
	dateErr     error
}

func (r *diagRun) add(c Check) {
	r.checks = append(r.checks, c)
	kind := map[CheckStatus]steps.EventKind{CheckOK: steps.SubStepDone, CheckWarn: steps.Warning, CheckFail: steps.SubStepFailed, CheckSkipped: steps.SubStepSkipped}[c.Status]
	r.emit(steps.Event{Kind: kind, Name: c.Name, Detail: c.Detail})
	if c.Fix != "" {
		r.emit(steps.Event{Kind: steps.Info, Name: c.Name, Detail: c.Fix})
	}
	if c.Status == CheckFail && r.failed == "" {
		r.failed = c.Name
	}
}

// do runs one check unless an earlier one failed or ctx is done.
func (r *diagRun) do(ctx context.Context, name string, fn func() Check) {
	if r.failed != "" {
		r.add(Check{Name: name, Status: CheckSkipped, Detail: "not run: the " + r.failed + " check failed"})
		return
	}
	if ctx.Err() != nil {
		r.add(Check{Name: name, Status: CheckSkipped, Detail: "not run: stopped"})
		return
	}
	r.runCheck(name, fn)
}

func (r *diagRun) runCheck(name string, fn func() Check) {
	r.emit(steps.Event{Kind: steps.SubStepStarted, Name: name})
	c := fn()
	c.Name = name
	r.add(c)
}

func (r *diagRun) now() time.Time { return r.env.CurrentTime() }

func (r *diagRun) run(ctx context.Context, rawURL string) {
	defer func() {
		if r.conn != nil {
			r.conn.Close()
		}
	}()
	r.do(ctx, DiagURL, func() Check { return r.checkURL(rawURL) })
	r.do(ctx, DiagProxy, r.checkProxy)
	r.do(ctx, DiagDNS, func() Check { return r.checkDNS(ctx) })
	r.do(ctx, DiagTCP, func() Check { return r.checkTCP(ctx) })
	if r.proxy != nil {
		r.do(ctx, DiagTunnel, func() Check { return r.checkTunnel(ctx) })
	}
	r.do(ctx, DiagTLS, func() Check { return r.checkTLS(ctx) })
	// A refused certificate still allows reading the tenant's clock, and a
	// wrong clock is a common reason for refusing one.
	if r.conn != nil && (r.failed == "" || r.certRefused) {
		r.probeDate(ctx)
	}
	r.do(ctx, DiagHTTP, func() Check { return r.checkHTTP(ctx) })
	if r.date.IsZero() {
		r.do(ctx, DiagClock, r.checkClock)
	} else {
		r.runCheck(DiagClock, r.checkClock)
	}
}

func (r *diagRun) checkURL(raw string) Check {
	from := "given"
	if strings.TrimSpace(raw) == "" {
		from = "the configured tenant"
		if r.env.Props == nil {
			return Check{Status: CheckFail, Detail: "no tenant URL given", Fix: "pass one with --url https://<tenant>.cumulocity.com"}
		}
		cfg, err := r.env.Props.LoadAgentConfig()
		if err != nil {
			return Check{Status: CheckFail, Detail: "cannot read the Edge agent configuration: " + err.Error(),
				Fix: "run option 7 to write it again, or pass the tenant URL with --url"}
		}
		raw = cfg.URL
		if raw == "" {
			return Check{Status: CheckFail, Detail: "no tenant URL is configured (remote management is disabled)",
				Fix: "set the tenant URL with option 7, or pass one with --url https://<tenant>.cumulocity.com"}
		}
	}
	norm, err := system.NormalizeCloudURL(raw)
	if err == nil && norm == "" {
		err = errors.New("the URL is blank")
	}
	if err != nil {
		return Check{Status: CheckFail, Detail: oneLine(err.Error()), Fix: "give the tenant address, e.g. https://acme.cumulocity.com (option 7, or --url)"}
	}
	u, err := url.Parse(norm)
	if err != nil {
		return Check{Status: CheckFail, Detail: err.Error(), Fix: "give the tenant address, e.g. https://acme.cumulocity.com"}
	}
	r.tenant = u
	return Check{Status: CheckOK, Detail: norm + " (" + from + ")"}
}

// tenantHostPort is the tenant's host:port with the scheme's default port.
func (r *diagRun) tenantHostPort() string {
	port := r.tenant.Port()
	if port == "" {
		port = map[string]string{"https": "443", "http": "80"}[r.tenant.Scheme]
	}
	return net.JoinHostPort(r.tenant.Hostname(), port)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
