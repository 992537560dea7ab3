package steps

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
	switch scheme {
	case "https":
	case "http":
		if !isLoopbackHost(u.Hostname()) {
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
	host := strings.ToLower(u.Hostname())
	if err := checkHostName(host); err != nil {
		return "", err
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return "", fmt.Errorf("the port %s is not a TCP port: use a number from 1 to 65535, or none for https (443)", port)
		}
		host = net.JoinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return scheme + "://" + host, nil
}

// ValidateCloudURL is NormalizeCloudURL as a Prompt.Validate.
func ValidateCloudURL(input string) (string, error) { return NormalizeCloudURL(input) }

func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

func checkHostName(h string) error {
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

// SameHost reports whether two normalised cloud URLs name the same tenant host.
func SameHost(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	return strings.EqualFold(ua.Host, ub.Host)
}
