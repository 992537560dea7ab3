package diagnose

// The TLS check of Diagnose: the trusted roots, the handshake, the
// certificate (issuer, expiry, names) and what a failure means.

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps/system"
	"github.com/edge-setup/edge-setup/tenantapi"
)

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
		if system.IsLoopbackHost(host) {
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
		if sha1 := sha1Signed(st.PeerCertificates); sha1 != "" || errors.As(err, &ua) && strings.Contains(ua.Error(), "insecure algorithm") {
			if sha1 == "" {
				sha1 = "the certificate chain"
			}
			problems = append(problems, sha1+" is signed with SHA-1, which is no longer trusted (Go, like every current browser, refuses it)")
			fixes = append(fixes, "have the certificate (and any intermediate CA certificate signed with SHA-1) reissued with SHA-256")
		} else if errors.As(err, &ua) {
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
	if err := leaf.VerifyHostname(host); err != nil && cnOnly(leaf) {
		problems = append(problems, fmt.Sprintf("the certificate names its host only in the Common Name (CN=%s) and has no Subject Alternative Names, which TLS clients no longer accept", leaf.Subject.CommonName))
		fixes = append(fixes, "have the certificate reissued with "+host+" as a DNS name in subjectAltName (the Common Name alone is ignored)")
		status = CheckFail
	} else if err != nil {
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

// cnOnly: a certificate with a Common Name and no Subject Alternative Names.
func cnOnly(c *x509.Certificate) bool {
	return c.Subject.CommonName != "" && len(c.DNSNames) == 0 && len(c.IPAddresses) == 0 && len(c.URIs) == 0 && len(c.EmailAddresses) == 0
}

// sha1Signed names the first certificate of the chain (not a root the
// server sends along) that is signed with SHA-1, or "".
func sha1Signed(chain []*x509.Certificate) string {
	for i, c := range chain {
		if i > 0 && c.IsCA && bytes.Equal(c.RawIssuer, c.RawSubject) {
			continue // a self-signed root: its own signature is not checked
		}
		switch c.SignatureAlgorithm {
		case x509.SHA1WithRSA, x509.ECDSAWithSHA1, x509.DSAWithSHA1:
			if i == 0 {
				return "the tenant's certificate"
			}
			return "the intermediate CA certificate " + certName(c.Subject.CommonName, c.Subject.Organization)
		}
	}
	return ""
}

func (r *diagRun) handshakeFailure(err error) Check {
	var rh tls.RecordHeaderError
	switch {
	case tenantapi.OldTLSVersion(err):
		return Check{Status: CheckFail, Detail: r.tenantHostPort() + " offers only TLS 1.0 or 1.1, which are no longer considered safe and which edge-setup refuses",
			Fix: "enable TLS 1.2 or 1.3 on the tenant or on the proxy in front of it"}
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
