package system

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// PromptCloudURL is the reference text of the cloud URL prompt (options 2 and 7).
const PromptCloudURL = "* Enter cloud URL (leave blank to disable remote management):"

// NormalizeCloudURL turns what an operator typed into the tenant base URL:
// "acme.cumulocity.com" becomes "https://acme.cumulocity.com", a trailing
// slash is dropped. Blank stays blank (remote management disabled). Anything
// that cannot be a tenant base URL is refused with the reason.
func NormalizeCloudURL(input string) (string, error) {
	s := strings.TrimSpace(input)
	if s == "" {
		return "", nil
	}
	if strings.ContainsAny(s, " \t") {
		return "", errors.New("the URL contains spaces: enter it without spaces, e.g. https://acme.cumulocity.com")
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("%q is not a URL: enter the tenant address, e.g. https://acme.cumulocity.com", input)
	}
	scheme := strings.ToLower(u.Scheme)
	// "acme.example.com." (the absolute DNS form) is the same host: drop the dot
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	switch scheme {
	case "https":
	case "http":
		if !IsLoopbackHost(host) {
			return "", errors.New("http:// is only allowed for a tenant on this machine (localhost): use https://")
		}
	default:
		return "", fmt.Errorf("the scheme %q is not supported: use https://", u.Scheme)
	}
	if u.User != nil {
		return "", errors.New("the URL must not contain a user name or password: enter only the address, credentials are asked separately")
	}
	if u.Hostname() == "" {
		return "", errors.New("the URL has no host name: enter the tenant address, e.g. https://acme.cumulocity.com")
	}
	if u.RawQuery != "" || u.ForceQuery {
		return "", errors.New("the URL must not contain a query (?...): enter only the tenant address")
	}
	if u.Fragment != "" || strings.Contains(s, "#") {
		return "", errors.New("the URL must not contain a fragment (#...): enter only the tenant address, not a page in the browser")
	}
	if u.Path != "" && u.Path != "/" {
		// The escaped form: a decoded path may hold line breaks or escape sequences.
		return "", fmt.Errorf("the URL must not contain a path (%s): enter only the tenant address, e.g. https://acme.cumulocity.com", u.EscapedPath())
	}
	if host == "" {
		return "", errors.New("the URL has no host name: enter the tenant address, e.g. https://acme.cumulocity.com")
	}
	if strings.HasSuffix(host, ".") {
		return "", fmt.Errorf("%q is not a valid host name: check for doubled or missing dots", u.Hostname())
	}
	if err := CheckHostName(host); err != nil {
		return "", err
	}
	if ip := net.ParseIP(host); ip != nil {
		host = ip.String() // one spelling of an address: [0:0::1] is [::1]
	}
	if strings.HasSuffix(u.Host, ":") {
		return "", errors.New("the URL ends in ':' without a port: remove the colon or give the port, e.g. https://acme.cumulocity.com:8443")
	}
	if port := u.Port(); port != "" {
		if err := checkPort(port); err != nil {
			return "", err
		}
		host = net.JoinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return scheme + "://" + host, nil
}

// ValidateCloudURL is NormalizeCloudURL as a Prompt.Validate.
func ValidateCloudURL(input string) (string, error) { return NormalizeCloudURL(input) }

// IsLoopbackHost reports whether h is localhost or a loopback address.
func IsLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

func CheckHostName(h string) error {
	if net.ParseIP(h) != nil {
		return nil
	}
	if len(h) > 253 {
		return errors.New("the host name is longer than 253 characters")
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 {
			return fmt.Errorf("%q is not a valid host name: check for doubled or missing dots", h)
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return fmt.Errorf("%q is not a valid host name: %q is not allowed in a host name", h, r)
			}
		}
		if label[0] == '-' || label[len(label)-1] == '-' {
			return fmt.Errorf("%q is not a valid host name: a label may not start or end with '-'", h)
		}
	}
	return nil
}

// checkPort refuses a port that is not a number from 1 to 65535.
func checkPort(port string) error {
	n, err := strconv.Atoi(port)
	if err != nil || len(port) > 5 {
		return fmt.Errorf("the port %q is not a number from 1 to 65535", port)
	}
	if n < 1 || n > 65535 {
		return fmt.Errorf("the port %d is outside 1-65535, the range of TCP ports: use a number from 1 to 65535 (HTTPS is usually 443)", n)
	}
	return nil
}

// SameHost reports whether two cloud URLs name the same tenant: the same
// scheme, the same host (case and a trailing dot ignored) and the same port
// once the scheme's default is applied, so http://127.0.0.1 and
// http://127.0.0.1:80 are one tenant, https://Acme.example.com. and
// https://acme.example.com:443 too. A URL that cannot be parsed equals only
// the identical text.
func SameHost(a, b string) bool {
	ka, ok1 := tenantKey(a)
	kb, ok2 := tenantKey(b)
	if !ok1 || !ok2 {
		return a == b
	}
	return ka == kb
}

// tenantKey is the scheme://host:port a tenant URL stands for.
func tenantKey(s string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.Host == "" {
		return "", false
	}
	scheme := strings.ToLower(u.Scheme)
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if ip := net.ParseIP(host); ip != nil {
		host = ip.String() // [0:0:0:0:0:0:0:1] is [::1]
	}
	port := u.Port()
	if port == "" {
		switch scheme {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	if n, err := strconv.Atoi(port); err == nil {
		port = strconv.Itoa(n) // "0443" is 443
	}
	return scheme + "://" + net.JoinHostPort(host, port), true
}
