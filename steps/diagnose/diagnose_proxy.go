package diagnose

// The proxy checks of Diagnose: the proxy settings in use and, through a
// proxy, the CONNECT tunnel to the tenant.

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http/httpproxy"

	"github.com/edge-setup/edge-setup/steps/system"
)

// proxyConfig reads the proxy variables from the step environment the way
// http.ProxyFromEnvironment reads them from the process.
func (r *diagRun) proxyConfig() (*httpproxy.Config, string) {
	get := func(names ...string) (string, string) {
		for _, n := range names {
			if v := r.env.EnvVar(n); v != "" {
				return v, n
			}
		}
		return "", names[0]
	}
	httpsProxy, httpsVar := get("HTTPS_PROXY", "https_proxy")
	httpProxy, httpVar := get("HTTP_PROXY", "http_proxy")
	noProxy, _ := get("NO_PROXY", "no_proxy")
	cfg := &httpproxy.Config{HTTPSProxy: httpsProxy, HTTPProxy: httpProxy, NoProxy: noProxy, CGI: r.env.EnvVar("REQUEST_METHOD") != ""}
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
	case system.IsLoopbackHost(host):
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
