package tenantapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"
)

// Explain is one line for the operator: what happened and what to do.
// Never a stack trace, never raw JSON.
func Explain(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	switch {
	case errors.Is(err, ErrTFARequired):
		return oneLine(err.Error()) + ": edge-setup cannot enter a two-factor code; use a tenant user without two-factor authentication (for example a technical user with the needed roles), or have the administrator exempt it"
	case errors.Is(err, ErrNotCumulocity):
		return oneLine(err.Error()) + ": check the tenant URL; it looks like https://<tenant>.cumulocity.com"
	case errors.As(err, &e):
		return explainStatus(e)
	case errors.Is(err, ErrBodyTooLarge):
		return detail(err, ErrBodyTooLarge) + ": the URL probably points at something other than the Cumulocity API (a portal or proxy page); check the tenant URL"
	case errors.Is(err, ErrMalformedBody):
		return detail(err, ErrMalformedBody) + ": a proxy or captive portal may be answering instead of the tenant; check the tenant URL and the proxy settings"
	case errors.Is(err, context.Canceled):
		return "cancelled before the tenant answered"
	}
	if s := tlsProblem(err); s != "" {
		return s
	}
	host := hostOf(err)
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns) && dns.IsNotFound:
		return fmt.Sprintf("host %s not found: check the spelling of the URL and the DNS server (/etc/resolv.conf)", dns.Name)
	case errors.As(err, &dns):
		return fmt.Sprintf("the DNS lookup of %s failed (%s): check the network and the DNS server (/etc/resolv.conf)", dns.Name, oneLine(dns.Err))
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("%s refused the connection: nothing listens there; check the URL and port, or a firewall rejects it", host)
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) || isTimeout(err):
		return fmt.Sprintf("%s did not answer in time: check the network, the proxy settings (HTTPS_PROXY) and the firewall, then try again", host)
	case errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return fmt.Sprintf("the connection to %s broke off before the answer was complete: a proxy or firewall may be interfering; try again", host)
	case errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, syscall.EHOSTUNREACH):
		return fmt.Sprintf("%s is unreachable from here: check the network connection, the default route and the proxy settings", host)
	}
	var te *transportError
	if errors.As(err, &te) {
		return fmt.Sprintf("the request to %s failed (%s): check the network and the tenant URL", host, oneLine(rootCause(err).Error()))
	}
	return oneLine(err.Error())
}

// detail is err's text without the sentinel's own prefix.
func detail(err, sentinel error) string {
	return oneLine(strings.TrimPrefix(err.Error(), sentinel.Error()+": "))
}

func explainStatus(e *Error) string {
	what := fmt.Sprintf("the tenant answered %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" && e.Message != http.StatusText(e.StatusCode) {
		what += " (" + e.Message + ")"
	}
	switch s := e.StatusCode; {
	case s >= 300 && s < 400:
		if e.Location != "" {
			return fmt.Sprintf("the URL redirects to %s: use that address as the tenant URL", e.Location)
		}
		return what + ": the URL redirects elsewhere; use the tenant's address directly"
	case s == http.StatusUnauthorized && strings.HasSuffix(e.Path, "/deviceCredentials"):
		return what + ": the bootstrap user or password is wrong; get the device bootstrap credentials from the platform operator"
	case s == http.StatusUnauthorized && strings.HasPrefix(e.Path, "/tenant/oauth"):
		return what + ": the OAI-Secure login was refused: the tenant ID, user name or password is wrong; check them"
	case s == http.StatusUnauthorized:
		return what + ": the tenant ID, user name or password is wrong (or Basic authentication is disabled for this tenant); check them"
	case s == http.StatusForbidden:
		if e.Method == http.MethodDelete && strings.HasPrefix(e.Path, "/devicecontrol/newDeviceRequests") {
			return what + ": the user lacks a permission for " + e.Method + " " + e.Path + "; give the user ROLE_USER_MANAGEMENT_ADMIN (Administration > Roles)"
		}
		return what + ": the user lacks a permission for " + e.Method + " " + e.Path + "; " + roleHint(e.Path)
	case e.Is(ErrNotYetAccepted):
		return "the device is not accepted yet: accept it in Device management > Registration (it shows \"Pending acceptance\" once the device has polled)"
	case s == http.StatusNotFound:
		return what + ": " + e.Method + " " + e.Path + " does not exist on the tenant; check the ID and the tenant URL"
	case s == http.StatusConflict:
		return what + ": it already exists"
	case s == http.StatusUnprocessableEntity:
		return what + ": the tenant refused the values; correct them and try again"
	case s == http.StatusTooManyRequests:
		if e.RetryAfter > 0 {
			// Whole seconds: a Retry-After date gives a wait like 37.606025509s.
			return fmt.Sprintf("%s: the tenant is limiting requests; wait %s and try again", what, max(e.RetryAfter.Round(time.Second), time.Second))
		}
		return what + ": the tenant is limiting requests; wait a little and try again"
	case s == http.StatusNotImplemented:
		return what + ": the server does not implement " + e.Method + " " + e.Path + "; this tool cannot do that step against it"
	case s >= 500:
		return what + ": the tenant (or a proxy in front of it) has a problem right now; try again in a minute, and if it persists check the platform's status"
	}
	return what
}

func roleHint(path string) string {
	switch {
	case strings.HasPrefix(path, "/devicecontrol/newDeviceRequests"), strings.HasPrefix(path, "/devicecontrol/operations"):
		return "give the user ROLE_DEVICE_CONTROL_ADMIN (Administration > Roles)"
	case strings.HasPrefix(path, "/inventory"):
		return "give the user ROLE_INVENTORY_ADMIN (Administration > Roles)"
	case strings.HasPrefix(path, "/identity"):
		return "give the user ROLE_IDENTITY_ADMIN (Administration > Roles)"
	case strings.HasPrefix(path, "/event"):
		return "give the user ROLE_EVENT_ADMIN (Administration > Roles)"
	case strings.HasPrefix(path, "/alarm"):
		return "give the user ROLE_ALARM_ADMIN (Administration > Roles)"
	case strings.HasPrefix(path, "/measurement"):
		return "give the user ROLE_MEASUREMENT_ADMIN (Administration > Roles)"
	case strings.HasPrefix(path, "/service/remoteaccess"):
		return "give the user ROLE_REMOTE_ACCESS_ADMIN (Administration > Roles) and subscribe the tenant to Cloud Remote Access"
	case strings.HasPrefix(path, "/devicecontrol/deviceCredentials"):
		return "use the device bootstrap user (management/devicebootstrap)"
	}
	return "ask the tenant administrator for the needed role"
}

// tlsProblem explains certificate failures, or returns "".
func tlsProblem(err error) string {
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	var ci x509.CertificateInvalidError
	var rh tls.RecordHeaderError
	switch {
	case errors.As(err, &ua) && strings.Contains(ua.Error(), "insecure algorithm"):
		// Go no longer verifies SHA-1 signatures: the chain cannot be
		// built, and the hint names the algorithm.
		return "the tenant's certificate chain is signed with SHA-1, which is no longer trusted (like every current browser, edge-setup refuses it): have the certificate, or the CA certificate that signed it, reissued with SHA-256"
	case errors.As(err, &ua):
		return "the tenant's TLS certificate is signed by an authority this machine does not trust: pass --ca-cert FILE with the CA certificate (PEM) or add the CA to the system store"
	case errors.As(err, &he) && he.Certificate != nil && len(he.Certificate.DNSNames) == 0 && len(he.Certificate.IPAddresses) == 0 && he.Certificate.Subject.CommonName != "":
		return fmt.Sprintf("the TLS certificate names its host only in the Common Name (CN=%s) and has no Subject Alternative Names; TLS clients no longer accept a host name from the Common Name: have the certificate reissued with %s as a DNS name (subjectAltName)",
			oneLine(he.Certificate.Subject.CommonName), he.Host)
	case errors.As(err, &he):
		names := "no names"
		if he.Certificate != nil {
			names = strings.Join(append(append([]string{}, he.Certificate.DNSNames...), ipStrings(he.Certificate.IPAddresses)...), ", ")
		}
		return fmt.Sprintf("the TLS certificate is for %s, not for %s: use the host name on the certificate in the URL, or fix the certificate", names, he.Host)
	case errors.As(err, &ci) && ci.Reason == x509.Expired:
		return "the TLS certificate has expired or is not valid yet (" + oneLine(ci.Detail) + "): check this machine's clock (date, NTP) or have the certificate renewed"
	case errors.As(err, &ci):
		return "the tenant's TLS certificate was rejected (" + oneLine(ci.Error()) + "): fix the certificate or pass the right CA with --ca-cert"
	case OldTLSVersion(err):
		return "the server offers only TLS 1.0 or 1.1, which are no longer considered safe and which edge-setup refuses: enable TLS 1.2 or 1.3 on the tenant or on the proxy in front of it"
	case errors.As(err, &rh), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return "the server does not speak TLS on that port: check https:// versus http:// and the port in the URL"
	}
	var cv *tls.CertificateVerificationError
	if errors.As(err, &cv) {
		return "the tenant's TLS certificate could not be verified (" + oneLine(cv.Err.Error()) + "): pass the right CA with --ca-cert or fix the certificate"
	}
	return ""
}

// OldTLSVersion reports whether a handshake failed because the server
// speaks only a protocol version below our minimum (TLS 1.2). Go reports it
// as the server's alert or as the version the server picked.
func OldTLSVersion(err error) bool {
	s := err.Error()
	return strings.Contains(s, "tls: protocol version not supported") ||
		strings.Contains(s, "server selected unsupported protocol version")
}

func ipStrings(ips []net.IP) []string {
	out := make([]string, 0, len(ips))
	for _, ip := range ips {
		out = append(out, ip.String())
	}
	return out
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// hostOf is the host a failed request went to, or "the tenant".
func hostOf(err error) string {
	var te *transportError
	if errors.As(err, &te) && te.Host != "" {
		return te.Host
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" {
			return u.Host
		}
	}
	return "the tenant"
}

func rootCause(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}
