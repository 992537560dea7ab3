package steps

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/net/http/httpproxy"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/tenantapi"
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
func Diagnose(ctx context.Context, env *Env, url string, emit Emit) []Check {
	return Diagnostics{}.Run(ctx, env, url, emit)
}

// Run is Diagnose with d's settings.
func (d Diagnostics) Run(ctx context.Context, env *Env, rawURL string, emit Emit) []Check {
	if emit == nil {
		emit = func(Event) {}
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
	env    *Env
	emit   Emit
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
	kind := map[CheckStatus]EventKind{CheckOK: SubStepDone, CheckWarn: Warning, CheckFail: SubStepFailed, CheckSkipped: SubStepSkipped}[c.Status]
	r.emit(Event{Kind: kind, Name: c.Name, Detail: c.Detail})
	if c.Fix != "" {
		r.emit(Event{Kind: Info, Name: c.Name, Detail: c.Fix})
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
	r.emit(Event{Kind: SubStepStarted, Name: name})
	c := fn()
	c.Name = name
	r.add(c)
}

func (r *diagRun) now() time.Time { return r.env.now() }

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
	norm, err := NormalizeCloudURL(raw)
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

// proxyConfig reads the proxy variables from the step environment the way
// http.ProxyFromEnvironment reads them from the process.
func (r *diagRun) proxyConfig() (*httpproxy.Config, string) {
	get := func(names ...string) (string, string) {
		for _, n := range names {
			if v := r.env.getenv(n); v != "" {
				return v, n
			}
		}
		return "", names[0]
	}
	httpsProxy, httpsVar := get("HTTPS_PROXY", "https_proxy")
	httpProxy, httpVar := get("HTTP_PROXY", "http_proxy")
	noProxy, _ := get("NO_PROXY", "no_proxy")
	cfg := &httpproxy.Config{HTTPSProxy: httpsProxy, HTTPProxy: httpProxy, NoProxy: noProxy, CGI: r.env.getenv("REQUEST_METHOD") != ""}
	if r.tenant.Scheme == "https" {
		return cfg, httpsVar
	}
	return cfg, httpVar
}

func (r *diagRun) checkProxy() Check {
	cfg, varName := r.proxyConfig()
	setting := cfg.HTTPSProxy
	if r.tenant.Scheme == "http" {
		setting = cfg.HTTPProxy
	}
	p, err := cfg.ProxyFunc()(r.tenant)
	if err == nil && setting != "" && !validProxySetting(setting) {
		// httpproxy retries a malformed value with http:// in front, which
		// turns a typo into a proxy named "http": call it what it is.
		err = errors.New("malformed")
	}
	if err != nil {
		return Check{Status: CheckFail, Detail: varName + " is set, but not to a proxy URL",
			Fix: fmt.Sprintf("write %s like http://proxy.example.com:3128 (with user:password@ before the host if the proxy needs a login), or unset it", varName)}
	}
	host := r.tenant.Hostname()
	switch {
	case p != nil:
		r.proxy, r.proxyVar = p, varName
		port := p.Port()
		if port == "" {
			port = map[string]string{"http": "80", "https": "443", "socks5": "1080", "socks5h": "1080"}[p.Scheme]
		}
		r.target = net.JoinHostPort(p.Hostname(), port)
		detail := fmt.Sprintf("%s (from %s) for %s", p.Redacted(), varName, host)
		if p.Scheme != "http" && p.Scheme != "https" {
			return Check{Status: CheckWarn, Detail: detail + "; only its TCP port is checked here",
				Fix: "this check examines HTTP(S) proxies; the HTTP check below still goes through the " + p.Scheme + " proxy"}
		}
		return Check{Status: CheckOK, Detail: detail}
	case setting == "":
		r.target = r.tenantHostPort()
		return Check{Status: CheckOK, Detail: fmt.Sprintf("none: %s is not set, so the tenant is reached directly", varName)}
	case isLoopbackHost(host):
		r.target = r.tenantHostPort()
		return Check{Status: CheckOK, Detail: fmt.Sprintf("none: %s is set, but %s is on this machine and never goes through a proxy", varName, host)}
	}
	r.target = r.tenantHostPort()
	return Check{Status: CheckOK, Detail: fmt.Sprintf("none: NO_PROXY (%s) excludes %s, so it is reached directly although %s is set", cfg.NoProxy, host, varName)}
}

// validProxySetting reports whether a proxy variable holds a proxy URL
// ("http://host:port", "host:port", with an optional user:password@).
func validProxySetting(s string) bool {
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Hostname() == "" || strings.Contains(u.Host, "/") {
		return false
	}
	switch u.Scheme {
	case "http", "https", "socks5", "socks5h":
	default:
		return false
	}
	return u.Port() == "" || isPort(u.Port())
}

func isPort(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n > 0 && n < 65536
}

func (r *diagRun) resolver() *net.Resolver {
	if r.d.Resolver != nil {
		return r.d.Resolver
	}
	return net.DefaultResolver
}

func (r *diagRun) checkDNS(ctx context.Context) Check {
	host, _, _ := net.SplitHostPort(r.target)
	what := host
	if r.proxy != nil {
		what = host + " (the proxy)"
	}
	if ip := net.ParseIP(host); ip != nil {
		return Check{Status: CheckOK, Detail: what + " is an IP address: no lookup needed"}
	}
	ctx, cancel := context.WithTimeout(ctx, r.d.Timeout)
	defer cancel()
	addrs, err := r.resolver().LookupIPAddr(ctx, host)
	if err == nil && len(addrs) == 0 {
		err = &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
	}
	if err != nil {
		return r.dnsFailure(what, err)
	}
	ips := make([]string, 0, len(addrs))
	for i, a := range addrs {
		if i == 3 {
			ips = append(ips, fmt.Sprintf("and %d more", len(addrs)-3))
			break
		}
		ips = append(ips, a.IP.String())
	}
	detail := what + " resolves to " + strings.Join(ips, ", ")
	if r.proxy != nil {
		detail += "; the proxy looks up " + r.tenant.Hostname() + " itself"
	}
	return Check{Status: CheckOK, Detail: detail}
}

func (r *diagRun) dnsFailure(what string, err error) Check {
	fixName := "check the spelling of the tenant URL (option 7, or --url)"
	if r.proxy != nil {
		fixName = "check the proxy host in " + r.proxyVar
	}
	fixServer := "check the DNS server (option 1 sets it; see /etc/resolv.conf) and that the network lets DNS through (UDP and TCP port 53)"
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns) && dns.IsNotFound:
		return Check{Status: CheckFail, Detail: "the DNS server says " + what + " does not exist",
			Fix: fixName + "; if it is right, " + fixServer}
	case errors.As(err, &dns) && dns.IsTimeout, errors.Is(err, context.DeadlineExceeded):
		return Check{Status: CheckFail, Detail: fmt.Sprintf("no DNS answer for %s within %s", what, r.d.Timeout),
			Fix: fixServer}
	case errors.As(err, &dns):
		return Check{Status: CheckFail, Detail: fmt.Sprintf("the DNS lookup of %s failed: %s", what, oneLine(dns.Err)),
			Fix: fixServer}
	}
	return Check{Status: CheckFail, Detail: fmt.Sprintf("the DNS lookup of %s failed: %s", what, oneLine(err.Error())), Fix: fixServer}
}

func (r *diagRun) checkTCP(ctx context.Context) Check {
	ctx, cancel := context.WithTimeout(ctx, r.d.Timeout)
	defer cancel()
	dialer := &net.Dialer{Resolver: r.d.Resolver}
	start := time.Now()
	conn, err := dialer.DialContext(ctx, "tcp", r.target)
	what := r.target
	if r.proxy != nil {
		what = r.target + " (the proxy)"
	}
	if err != nil {
		return r.tcpFailure(what, err)
	}
	r.conn = conn
	at := ""
	if ra := conn.RemoteAddr().String(); ra != r.target {
		at = " at " + ra
	}
	return Check{Status: CheckOK, Detail: fmt.Sprintf("connected to %s%s in %s", what, at, roundDuration(time.Since(start)))}
}

func (r *diagRun) tcpFailure(what string, err error) Check {
	_, port, _ := net.SplitHostPort(r.target)
	fixPort := "check the port in the tenant URL (https uses 443)"
	if r.proxy != nil {
		fixPort = "check the proxy port in " + r.proxyVar
	}
	firewall := fmt.Sprintf("allow outgoing TCP to %s in the firewall", r.target)
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return Check{Status: CheckFail, Detail: what + " refused the connection: nothing listens on port " + port + ", or a firewall rejects it",
			Fix: fixPort + "; if it is right, " + firewall}
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return Check{Status: CheckFail, Detail: "no route to " + what + " from this machine",
			Fix: "check the network settings (option 1): IP address, netmask and gateway"}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded), isNetTimeout(err):
		fix := firewall + ", and check the gateway (option 1)"
		if r.proxy == nil {
			fix += "; if this network reaches the internet only through a proxy, set HTTPS_PROXY"
		}
		return Check{Status: CheckFail, Detail: fmt.Sprintf("no answer from %s within %s: a firewall drops the traffic, or the route is wrong", what, r.d.Timeout), Fix: fix}
	}
	return Check{Status: CheckFail, Detail: "cannot connect to " + what + ": " + oneLine(rootErr(err).Error()),
		Fix: "check the network settings (option 1) and " + firewall}
}

// checkTunnel asks the proxy for a CONNECT tunnel to the tenant.
func (r *diagRun) checkTunnel(ctx context.Context) Check {
	if r.proxy.Scheme != "http" && r.proxy.Scheme != "https" {
		r.conn.Close()
		r.conn = nil
		return Check{Status: CheckSkipped, Detail: "not examined for a " + r.proxy.Scheme + " proxy"}
	}
	deadline := time.Now().Add(r.d.Timeout)
	conn := r.conn
	if r.proxy.Scheme == "https" {
		roots, err := r.roots()
		if err != nil {
			return Check{Status: CheckFail, Detail: err.Error(), Fix: "check the --ca-cert file"}
		}
		tc := tls.Client(conn, &tls.Config{ServerName: r.proxy.Hostname(), RootCAs: roots, MinVersion: tls.VersionTLS12})
		hctx, cancel := context.WithDeadline(ctx, deadline)
		err = tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			return Check{Status: CheckFail, Detail: "the TLS handshake with the proxy failed: " + oneLine(err.Error()),
				Fix: "check " + r.proxyVar + ": most proxies take http://, not https://; if yours needs https, pass its CA with --ca-cert"}
		}
		conn = tc
		r.conn = tc
	}
	hp := r.tenantHostPort()
	req := &http.Request{Method: http.MethodConnect, URL: &url.URL{Opaque: hp}, Host: hp, Header: http.Header{}}
	req.Header.Set("User-Agent", r.userAgent())
	if u := r.proxy.User; u != nil {
		pw, _ := u.Password()
		req.Header.Set("Proxy-Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(u.Username()+":"+pw)))
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()
	conn.SetDeadline(deadline)
	defer conn.SetDeadline(time.Time{})
	if err := req.Write(conn); err != nil {
		return Check{Status: CheckFail, Detail: "the proxy closed the connection: " + oneLine(err.Error()),
			Fix: "check that " + r.proxyVar + " points at an HTTP proxy"}
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		detail := "the proxy did not answer the CONNECT request: " + oneLine(err.Error())
		if isNetTimeout(err) {
			detail = fmt.Sprintf("the proxy did not answer the CONNECT request within %s", r.d.Timeout)
		}
		return Check{Status: CheckFail, Detail: detail, Fix: "check that " + r.proxyVar + " points at an HTTP proxy (host and port)"}
	}
	resp.Body.Close()
	if br.Buffered() > 0 {
		return Check{Status: CheckFail, Detail: "the proxy sent more than its CONNECT answer", Fix: "check that " + r.proxyVar + " points at an HTTP proxy"}
	}
	if resp.StatusCode == http.StatusOK {
		return Check{Status: CheckOK, Detail: "the proxy opened a tunnel to " + hp}
	}
	status := fmt.Sprintf("the proxy answered %s to CONNECT %s", resp.Status, hp)
	switch s := resp.StatusCode; {
	case s == http.StatusProxyAuthRequired && r.proxy.User == nil:
		return Check{Status: CheckFail, Detail: status + ": it wants a user and password",
			Fix: "put them in " + r.proxyVar + ": http://user:password@" + r.proxy.Host}
	case s == http.StatusProxyAuthRequired:
		return Check{Status: CheckFail, Detail: status + ": it refused the user and password in " + r.proxyVar,
			Fix: "correct the user and password in " + r.proxyVar + " (http://user:password@" + r.proxy.Host + ")"}
	case s == http.StatusForbidden:
		return Check{Status: CheckFail, Detail: status + ": it does not allow connections to the tenant",
			Fix: "ask the network administrator to allow " + hp + " through the proxy"}
	case s == http.StatusBadGateway, s == http.StatusServiceUnavailable, s == http.StatusGatewayTimeout:
		return Check{Status: CheckFail, Detail: status + ": the proxy cannot reach the tenant",
			Fix: "check the tenant URL; if it is right, ask the network administrator why the proxy cannot reach " + hp}
	}
	return Check{Status: CheckFail, Detail: status, Fix: "ask the network administrator to allow " + hp + " through the proxy"}
}

func (r *diagRun) userAgent() string {
	if r.env.Version != "" {
		return "edge-setup/" + r.env.Version
	}
	return "edge-setup"
}

// roots are the system's trusted CAs plus the --ca-cert file.
func (r *diagRun) roots() (*x509.CertPool, error) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if r.env.CACertFile == "" {
		return pool, nil
	}
	pem, err := edgeprops.ReadFile(r.env.CACertFile, 1<<20)
	if err != nil {
		return nil, fmt.Errorf("cannot read the CA certificate file %s: %v", r.env.CACertFile, rootErr(err))
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", r.env.CACertFile)
	}
	return pool, nil
}

func (r *diagRun) checkTLS(ctx context.Context) Check {
	host := r.tenant.Hostname()
	if r.tenant.Scheme == "http" {
		if isLoopbackHost(host) {
			return Check{Status: CheckSkipped, Detail: "http:// to " + host + ", on this machine: no TLS, and nothing leaves the machine"}
		}
		return Check{Status: CheckWarn, Detail: "http:// sends the device credentials unencrypted", Fix: "use the tenant's https:// address"}
	}
	if r.conn == nil {
		return Check{Status: CheckSkipped, Detail: "not examined through a " + r.proxy.Scheme + " proxy; the HTTP check covers it"}
	}
	roots, err := r.roots()
	if err != nil {
		return Check{Status: CheckFail, Detail: err.Error(), Fix: "pass a readable PEM file with --ca-cert (-----BEGIN CERTIFICATE-----)"}
	}
	// The certificate is verified below, by hand, so that every problem
	// (authority, host name, dates) can be named, not just the first.
	tc := tls.Client(r.conn, &tls.Config{ServerName: host, InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}) //nolint:gosec // verified below
	hctx, cancel := context.WithTimeout(ctx, r.d.Timeout)
	err = tc.HandshakeContext(hctx)
	cancel()
	if err != nil {
		return r.handshakeFailure(err)
	}
	r.conn = tc
	st := tc.ConnectionState()
	leaf := st.PeerCertificates[0]
	now := r.now()

	issuer := certName(leaf.Issuer.CommonName, leaf.Issuer.Organization)
	detail := fmt.Sprintf("%s, certificate for %s issued by %s, valid until %s",
		tls.VersionName(st.Version), tlsCertNames(leaf), issuer, leaf.NotAfter.UTC().Format("2006-01-02"))
	var problems, fixes []string
	status := CheckOK

	// Trust, at a time the leaf is valid, so that dates are reported apart.
	at := now
	if now.Before(leaf.NotBefore) || now.After(leaf.NotAfter) {
		at = leaf.NotBefore.Add(leaf.NotAfter.Sub(leaf.NotBefore) / 2)
	}
	inter := x509.NewCertPool()
	for _, c := range st.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: at}); err != nil {
		var ua x509.UnknownAuthorityError
		if errors.As(err, &ua) {
			problems = append(problems, "this machine does not trust "+issuer+", the certificate's issuer")
			fix := "pass the CA certificate (PEM) with --ca-cert FILE, or add it to the system store (/usr/local/share/ca-certificates, then update-ca-certificates)"
			if r.proxy != nil {
				fix = "a TLS-inspecting proxy may have re-signed the connection: ask the network administrator for its CA and " + fix
			}
			fixes = append(fixes, fix)
		} else {
			problems = append(problems, "the certificate chain is not valid: "+oneLine(err.Error()))
			fixes = append(fixes, "have the tenant's certificate fixed, or pass the right CA with --ca-cert")
		}
		status = CheckFail
	}
	if err := leaf.VerifyHostname(host); err != nil {
		problems = append(problems, fmt.Sprintf("the certificate is for %s, not for %s", tlsCertNames(leaf), host))
		fixes = append(fixes, "use a host name the certificate names in the tenant URL, or have the certificate reissued for "+host)
		status = CheckFail
	}
	clockFix := fmt.Sprintf("if this machine's clock is wrong (it reads %s; see the Clock check), set it; otherwise have the tenant's certificate renewed",
		now.UTC().Format("2006-01-02 15:04 MST"))
	switch {
	case now.After(leaf.NotAfter):
		problems = append(problems, fmt.Sprintf("the certificate expired on %s (%s ago)", leaf.NotAfter.UTC().Format("2006-01-02 15:04 MST"), roughDuration(now.Sub(leaf.NotAfter))))
		fixes = append(fixes, clockFix)
		status = CheckFail
	case now.Before(leaf.NotBefore):
		problems = append(problems, fmt.Sprintf("the certificate is valid only from %s (in %s)", leaf.NotBefore.UTC().Format("2006-01-02 15:04 MST"), roughDuration(leaf.NotBefore.Sub(now))))
		fixes = append(fixes, clockFix)
		status = CheckFail
	case leaf.NotAfter.Sub(now) < certExpiryWarn && status == CheckOK:
		detail += " (in " + roughDuration(leaf.NotAfter.Sub(now)) + ")"
		return Check{Status: CheckWarn, Detail: detail + ": it expires soon",
			Fix: "ask the platform operator to renew the tenant's certificate before it expires; devices cannot connect after that"}
	}
	if status == CheckFail {
		r.certRefused = true
		return Check{Status: CheckFail, Detail: strings.Join(problems, "; ") + " (" + detail + ")", Fix: strings.Join(fixes, "; ")}
	}
	return Check{Status: CheckOK, Detail: detail}
}

func (r *diagRun) handshakeFailure(err error) Check {
	var rh tls.RecordHeaderError
	switch {
	case errors.As(err, &rh):
		return Check{Status: CheckFail, Detail: r.tenantHostPort() + " does not speak TLS",
			Fix: "check https:// versus http:// and the port in the tenant URL"}
	case errors.Is(err, context.DeadlineExceeded), isNetTimeout(err):
		return Check{Status: CheckFail, Detail: fmt.Sprintf("no TLS answer within %s", r.d.Timeout),
			Fix: "a firewall or proxy may hold the connection: check that port " + r.tenant.Port() + " reaches the tenant"}
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return Check{Status: CheckFail, Detail: "the connection was cut during the TLS handshake: " + oneLine(err.Error()),
			Fix: "a firewall or filtering proxy may block TLS to the tenant: ask the network administrator to allow " + r.tenantHostPort()}
	}
	return Check{Status: CheckFail, Detail: "the TLS handshake failed: " + oneLine(err.Error()),
		Fix: "check the tenant URL; a firewall or filtering proxy may interfere with TLS"}
}

// probeDate reads the tenant's Date header over the checked connection (no
// credentials are sent), so the clock can be compared even when the
// certificate was refused.
func (r *diagRun) probeDate(ctx context.Context) {
	conn := r.conn
	r.conn = nil
	defer conn.Close()
	u := *r.tenant
	u.Path = strings.TrimRight(u.Path, "/") + "/tenant/loginOptions"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		r.dateErr = err
		return
	}
	req.Header.Set("User-Agent", r.userAgent())
	req.Header.Set("Accept", "application/json")
	req.Close = true
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })
	defer stop()
	conn.SetDeadline(time.Now().Add(r.d.Timeout))
	if err := req.Write(conn); err != nil {
		r.dateErr = err
		return
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		r.dateErr = err
		return
	}
	resp.Body.Close()
	r.dateAt = r.now()
	d := resp.Header.Get("Date")
	if d == "" {
		r.dateErr = errors.New("the answer had no Date header")
		return
	}
	t, err := http.ParseTime(d)
	if err != nil {
		r.dateErr = fmt.Errorf("the Date header %q is not a valid date", d)
		return
	}
	r.date = t
}

func (r *diagRun) checkHTTP(ctx context.Context) Check {
	if r.env.NewClient == nil {
		return Check{Status: CheckSkipped, Detail: "no tenant client is configured"}
	}
	c, err := r.env.NewClient(r.tenant.String())
	if err != nil {
		return Check{Status: CheckFail, Detail: oneLine(err.Error()), Fix: "check the tenant URL and the --ca-cert file"}
	}
	defer c.Close()
	start := time.Now()
	err = c.LoginOptions(ctx)
	if err == nil {
		return Check{Status: CheckOK, Detail: fmt.Sprintf("GET /tenant/loginOptions answered like a Cumulocity tenant in %s", roundDuration(time.Since(start)))}
	}
	detail := "GET /tenant/loginOptions: " + tenantapi.Explain(err)
	via := ""
	if r.proxy != nil {
		via = "; the answer came through the proxy from " + r.proxyVar + ", which may be answering instead of the tenant"
	}
	var te *tenantapi.Error
	switch {
	case errors.Is(err, context.Canceled):
		return Check{Status: CheckSkipped, Detail: "not run: stopped"}
	case errors.As(err, &te) && te.StatusCode >= 300 && te.StatusCode < 400:
		return Check{Status: CheckFail, Detail: detail, Fix: "use the address it redirects to as the tenant URL (option 7)"}
	case errors.As(err, &te) && (te.StatusCode >= 500 || te.StatusCode == http.StatusTooManyRequests):
		return Check{Status: CheckFail, Detail: detail, Fix: "try again in a few minutes; if it persists, ask the platform operator about the tenant's status" + via}
	case errors.As(err, &te) && te.StatusCode == http.StatusProxyAuthRequired:
		return Check{Status: CheckFail, Detail: detail, Fix: "put the proxy user and password in " + r.proxyVar + " (http://user:password@proxy:port)"}
	case errors.Is(err, tenantapi.ErrNotCumulocity), errors.Is(err, tenantapi.ErrMalformedBody), errors.Is(err, tenantapi.ErrBodyTooLarge), errors.As(err, &te):
		return Check{Status: CheckFail, Detail: detail, Fix: "check that the URL is the tenant's address, e.g. https://acme.cumulocity.com" + via}
	}
	return Check{Status: CheckFail, Detail: detail, Fix: "the checks above passed, so the connection works but the request did not: try again; if it persists, check the proxy and firewall"}
}

func (r *diagRun) checkClock() Check {
	if r.date.IsZero() {
		why := "the tenant's answer could not be read"
		if r.dateErr != nil {
			why = oneLine(r.dateErr.Error())
		}
		return Check{Status: CheckSkipped, Detail: "not compared: " + why}
	}
	// The Date header has whole seconds: compare whole seconds.
	skew := r.dateAt.Truncate(time.Second).Sub(r.date)
	abs := skew
	if abs < 0 {
		abs = -abs
	}
	// A second or two either way is the request's own duration.
	if abs <= 2*time.Second {
		return Check{Status: CheckOK, Detail: "this machine's clock agrees with the tenant's"}
	}
	dir := "ahead of"
	if skew < 0 {
		dir = "behind"
	}
	detail := fmt.Sprintf("this machine's clock is %s %s the tenant's (here %s, tenant %s)",
		abs.Round(time.Second), dir, r.dateAt.UTC().Format("2006-01-02 15:04:05 MST"), r.date.UTC().Format("15:04:05 MST"))
	fix := "turn on time synchronisation (timedatectl set-ntp true) and check that the NTP server is reachable, or set the clock (date -s)"
	switch {
	case abs > ClockSkewFail:
		return Check{Status: CheckFail, Detail: detail + ": TLS certificates and login tokens fail at this difference", Fix: fix}
	case abs > ClockSkewWarn:
		return Check{Status: CheckWarn, Detail: detail + ": tokens may be refused as it grows", Fix: fix}
	}
	return Check{Status: CheckOK, Detail: detail}
}

// tlsCertNames are the names a certificate is for, IP addresses included.
func tlsCertNames(c *x509.Certificate) string {
	names := append([]string{}, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 && c.Subject.CommonName != "" {
		names = append(names, c.Subject.CommonName)
	}
	if len(names) == 0 {
		return "no names"
	}
	if len(names) > 4 {
		names = append(names[:4], fmt.Sprintf("%d more", len(names)-4))
	}
	return strings.Join(names, ", ")
}

func certName(cn string, org []string) string {
	switch {
	case cn != "" && len(org) > 0 && org[0] != cn:
		return fmt.Sprintf("%q (%s)", cn, org[0])
	case cn != "":
		return strconv.Quote(cn)
	case len(org) > 0:
		return strconv.Quote(org[0])
	}
	return "an unnamed authority"
}

func roundDuration(d time.Duration) time.Duration {
	if d < time.Millisecond {
		return d.Round(time.Microsecond)
	}
	return d.Round(time.Millisecond)
}

// roughDuration is "3 days", "5h", "12m" for certificate dates.
func roughDuration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	case d >= time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return d.Round(time.Minute).String()
}

func isNetTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func rootErr(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
