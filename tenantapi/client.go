// Package tenantapi is the Cumulocity REST client edge-setup uses: typed
// requests and answers for registration, identity, inventory, operations,
// events, alarms, measurements, remote access and users, and typed errors
// an operator can act on.
//
// Every call takes a context and makes one HTTP request (listings one per
// page): retries and their cadence belong to the caller (see Retryable).
// The one exception is logging in: a tenant user's first call may ask
// GET /tenant/loginOptions and log in with OAI-Secure, and a call whose
// token has expired logs in again and is sent once more (see AuthHeader).
package tenantapi

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/go-resty/resty/v2"
)

// Defaults for Options.
const (
	DefaultTimeout      = 15 * time.Second
	DefaultMaxBodyBytes = 4 << 20
)

// Options configure a Client.
type Options struct {
	BaseURL      string            // https://acme.cumulocity.com
	CACertFile   string            // extra trusted CA (PEM), added to the system pool
	Timeout      time.Duration     // per request; default 15s
	UserAgent    string            // e.g. "edge-setup/1.2.3"
	MaxBodyBytes int64             // cap on a response body; default 4 MiB
	Transport    http.RoundTripper // optional (tests); CACertFile then needs an *http.Transport
	Debug        io.Writer         // optional: one redacted line per request
}

// Client talks to one tenant. It is safe for concurrent use.
type Client struct {
	r       *resty.Client
	base    string
	host    string // host:port of base, for messages
	timeout time.Duration
	maxBody int64
	tr      http.RoundTripper

	auth authState

	debugMu sync.Mutex
	debug   io.Writer

	onChange func(method, path string) // see OnChange
}

// New checks the options and builds a client. It does not contact the tenant.
func New(o Options) (*Client, error) {
	base, err := normalizeBaseURL(o.BaseURL)
	if err != nil {
		return nil, err
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.UserAgent == "" {
		o.UserAgent = "edge-setup"
	}
	tr, err := transport(o.Transport, o.CACertFile)
	if err != nil {
		return nil, err
	}
	hc := &http.Client{
		Transport: tr,
		// A redirect would turn POST into GET and may drop credentials:
		// hand the 3xx back so the operator learns the right URL.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	r := resty.NewWithClient(hc).
		SetRetryCount(0).
		SetLogger(quietLogger{}).
		SetDisableWarn(true).
		SetHeader("User-Agent", o.UserAgent).
		SetResponseBodyLimit(int(min(o.MaxBodyBytes, int64(^uint(0)>>1))))
	u, _ := url.Parse(base)
	return &Client{r: r, base: base, host: u.Host, timeout: o.Timeout, maxBody: o.MaxBodyBytes, tr: tr, debug: o.Debug}, nil
}

// BaseURL is the tenant URL the client talks to, without a trailing slash.
func (c *Client) BaseURL() string { return c.base }

// Close drops idle connections.
func (c *Client) Close() {
	if ci, ok := c.tr.(interface{ CloseIdleConnections() }); ok {
		ci.CloseIdleConnections()
	}
}

func normalizeBaseURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", errors.New("no tenant URL given: pass one like https://acme.cumulocity.com")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("%q is not a tenant URL: write it like https://acme.cumulocity.com", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("the tenant URL must not carry a user, query or fragment: write it like https://acme.cumulocity.com")
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"), nil
}

// transport is the given one, or a clone of the default one whose trusted
// roots are the system pool (which honours SSL_CERT_FILE) plus caFile.
func transport(given http.RoundTripper, caFile string) (http.RoundTripper, error) {
	if given != nil && caFile == "" {
		return given, nil
	}
	var tr *http.Transport
	switch t := given.(type) {
	case nil:
		tr = http.DefaultTransport.(*http.Transport).Clone()
	case *http.Transport:
		tr = t.Clone()
	default:
		return nil, errors.New("tenantapi: CACertFile needs the default transport or an *http.Transport")
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if tr.TLSClientConfig != nil {
		cfg = tr.TLSClientConfig.Clone()
	}
	if caFile != "" {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		pem, err := edgeprops.ReadFile(caFile, 1<<20)
		if err != nil {
			return nil, fmt.Errorf("cannot read the CA certificate file (--ca-cert): %w", err)
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s holds no PEM certificate: give a file with -----BEGIN CERTIFICATE-----", caFile)
		}
		cfg.RootCAs = pool
	}
	tr.TLSClientConfig = cfg
	return tr, nil
}

// quietLogger keeps resty silent: the client reports through errors and the
// redacted Debug trace only.
type quietLogger struct{}

func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Warnf(string, ...any)  {}
func (quietLogger) Debugf(string, ...any) {}
