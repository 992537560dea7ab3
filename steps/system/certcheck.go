package system

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/edge-setup/edge-setup/steps"
)

// Options 2 and 3 install an SSL certificate, its key and the Cumulocity
// licence for the tenant domain. These checks run when the operator answers
// and again at Run (the files may have changed in between).

// Prompt texts of the reference ({domain} filled in).
const (
	PromptCertificate = "* Enter domain (%s) SSL certificate file path (*.crt|*.cert):"
	PromptCertKey     = "* Enter domain (%s) SSL certificate key file path (*.key):"
	PromptLicence     = "* Enter domain (%s) Cumulocity licence file path (*.licence):"
)

// CheckCertificateFile reads a PEM certificate (chain) for domain and
// returns its leaf.
func CheckCertificateFile(env *steps.Env, typed, domain string, now time.Time) (*x509.Certificate, error) {
	data, err := ReadOperatorFile(env, typed, "SSL certificate file")
	if err != nil {
		return nil, err
	}
	return CheckCertificatePEM(data, typed, domain, now)
}

func CheckCertificatePEM(data []byte, name, domain string, now time.Time) (*x509.Certificate, error) {
	sawKey := false
	block, rest := pem.Decode(data)
	for block != nil && block.Type != "CERTIFICATE" {
		sawKey = sawKey || strings.Contains(block.Type, "PRIVATE KEY")
		block, rest = pem.Decode(rest)
	}
	if block == nil && sawKey {
		return nil, fmt.Errorf("%s holds a private key, not a certificate: enter the certificate file (*.crt) here; the key is asked next", name)
	}
	if block == nil {
		if bytes.HasPrefix(data, []byte{0x30}) {
			return nil, fmt.Errorf("%s is not in PEM format (it looks like DER): convert it with 'openssl x509 -inform der -in %s -out %s.crt'", name, filepath.Base(name), strings.TrimSuffix(filepath.Base(name), filepath.Ext(name)))
		}
		return nil, fmt.Errorf("%s holds no PEM certificate (no '-----BEGIN CERTIFICATE-----' block): enter the path of the domain's SSL certificate", name)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("the certificate in %s cannot be read (%v): ask the issuer for a valid PEM certificate", name, err)
	}
	switch {
	case now.After(cert.NotAfter):
		return nil, fmt.Errorf("the certificate in %s expired on %s: get a renewed certificate for %s", name, cert.NotAfter.UTC().Format("2006-01-02"), domain)
	case now.Before(cert.NotBefore):
		return nil, fmt.Errorf("the certificate in %s is valid only from %s: check the VM's clock (date) or wait until then", name, cert.NotBefore.UTC().Format("2006-01-02 15:04 MST"))
	}
	if err := cert.VerifyHostname(domain); err != nil {
		return nil, fmt.Errorf("the certificate in %s is not for %s (it covers %s): use a certificate issued for %s or *.%s", name, domain, certNames(cert), domain, ParentDomain(domain))
	}
	return cert, nil
}

// certNames lists the names a certificate covers, for error texts.
func certNames(c *x509.Certificate) string {
	names := append([]string(nil), c.DNSNames...)
	if len(names) == 0 && c.Subject.CommonName != "" {
		names = append(names, c.Subject.CommonName)
	}
	if len(names) == 0 {
		return "no DNS name"
	}
	if len(names) > 4 {
		names = append(names[:4], "...")
	}
	return strings.Join(names, ", ")
}

func ParentDomain(d string) string {
	if _, p, ok := strings.Cut(d, "."); ok {
		return p
	}
	return d
}

// CheckKeyFile reads the private key and checks that it belongs to the
// certificate in certTyped.
func CheckKeyFile(env *steps.Env, typed, certTyped string) error {
	key, err := ReadOperatorFile(env, typed, "SSL certificate key file")
	if err != nil {
		return err
	}
	certData, err := ReadOperatorFile(env, certTyped, "SSL certificate file")
	if err != nil {
		return fmt.Errorf("the certificate %s cannot be read any more: %v", certTyped, err)
	}
	return CheckKeyPEM(key, certData, typed, certTyped)
}

func CheckKeyPEM(key, cert []byte, name, certName string) error {
	block, _ := pem.Decode(key)
	switch {
	case block == nil:
		return fmt.Errorf("%s holds no PEM private key (no '-----BEGIN ... PRIVATE KEY-----' block): enter the key file of the certificate", name)
	case block.Type == "CERTIFICATE":
		return fmt.Errorf("%s is a certificate, not its private key: enter the key file (*.key)", name)
	case block.Type == "ENCRYPTED PRIVATE KEY" || block.Headers["Proc-Type"] == "4,ENCRYPTED":
		return fmt.Errorf("the key in %s is protected by a passphrase, which the web server cannot enter: remove it with 'openssl pkey -in %s -out plain.key' and enter that file", name, filepath.Base(name))
	case !strings.Contains(block.Type, "PRIVATE KEY"):
		return fmt.Errorf("%s holds a %q block, not a private key: enter the key file of the certificate", name, block.Type)
	}
	if _, err := tls.X509KeyPair(cert, key); err != nil {
		if strings.Contains(err.Error(), "does not match") {
			return fmt.Errorf("the key in %s does not belong to the certificate %s: enter the key that was created with this certificate's request", name, certName)
		}
		return fmt.Errorf("the key in %s cannot be used with the certificate %s: %v", name, certName, err)
	}
	return nil
}

// CheckLicenceFile: the licence exists, is not empty and is not a
// certificate or key picked by mistake. Its file name is kept when it is
// installed (the platform expects it as issued).
func CheckLicenceFile(env *steps.Env, typed string) error {
	data, err := ReadOperatorFile(env, typed, "licence file")
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return fmt.Errorf("%s is empty: enter the licence file you received for this domain", typed)
	}
	if bytes.Contains(data, []byte("-----BEGIN ")) {
		return fmt.Errorf("%s holds a PEM certificate or key, not a Cumulocity licence: enter the *.licence file", typed)
	}
	return nil
}
