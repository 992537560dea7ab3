package options

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/steps/system"
)

// testCert is a generated certificate and key (PEM).
type testCert struct {
	cert, key string
}

// makeCert issues a self-signed ECDSA certificate for names, valid from
// notBefore to notAfter.
func makeCert(t *testing.T, names []string, notBefore, notAfter time.Time) testCert {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: names[0]},
		DNSNames:     names,
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return testCert{
		cert: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		key:  string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})),
	}
}

func validCert(t *testing.T, names ...string) testCert {
	return makeCert(t, names, testNow.AddDate(0, -1, 0), testNow.AddDate(1, 0, 0))
}

func TestCheckCertificatePEM(t *testing.T) {
	good := validCert(t, "edge.example.com")
	wild := validCert(t, "*.example.com")
	other := validCert(t, "other.example.org")
	expired := makeCert(t, []string{"edge.example.com"}, testNow.AddDate(-2, 0, 0), testNow.AddDate(0, 0, -1))
	future := makeCert(t, []string{"edge.example.com"}, testNow.AddDate(0, 0, 2), testNow.AddDate(1, 0, 0))
	cases := []struct {
		name, data, domain, err string
	}{
		{"exact name", good.cert, "edge.example.com", ""},
		{"wildcard", wild.cert, "edge.example.com", ""},
		{"chain with key first", good.key + good.cert, "edge.example.com", ""},
		{"wildcard does not cover the parent", wild.cert, "example.com", "is not for example.com"},
		{"wildcard covers one label only", wild.cert, "a.edge.example.com", "is not for a.edge.example.com"},
		{"other domain", other.cert, "edge.example.com", "(it covers other.example.org)"},
		{"expired", expired.cert, "edge.example.com", "expired on 2026-02-28"},
		{"not yet valid", future.cert, "edge.example.com", "check the VM's clock"},
		{"key instead of cert", good.key, "edge.example.com", "holds a private key, not a certificate"},
		{"not PEM", "hello", "edge.example.com", "holds no PEM certificate"},
		{"DER", "\x30\x82\x01", "edge.example.com", "looks like DER"},
		{"garbage in block", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "edge.example.com", "cannot be read"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := system.CheckCertificatePEM([]byte(c.data), "x.crt", c.domain, testNow)
			if c.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("error %v, want %q", err, c.err)
			}
		})
	}
}

func TestCheckKeyPEM(t *testing.T) {
	a := validCert(t, "edge.example.com")
	b := validCert(t, "edge.example.com")
	encrypted := "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00000000000000000000000000000000\n\nAAAA\n-----END RSA PRIVATE KEY-----\n"
	cases := []struct{ name, key, err string }{
		{"matching", a.key, ""},
		{"other key", b.key, "does not belong to the certificate"},
		{"certificate as key", a.cert, "is a certificate, not its private key"},
		{"passphrase", encrypted, "protected by a passphrase"},
		{"pkcs8 encrypted", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n", "protected by a passphrase"},
		{"no PEM", "secret", "holds no PEM private key"},
		{"public key", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "not a private key"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := system.CheckKeyPEM([]byte(c.key), []byte(a.cert), "x.key", "x.crt")
			if c.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("error %v, want %q", err, c.err)
			}
		})
	}
}

func TestCheckLicenceFile(t *testing.T) {
	te := newTestEnv(t)
	te.write(t, "/tmp/empty.licence", " \n")
	te.write(t, "/tmp/cert.licence", validCert(t, "a.example.com").cert)
	te.write(t, "/tmp/good.licence", "LICENCE-DATA")
	for typed, want := range map[string]string{
		"/tmp/empty.licence":   "is empty",
		"/tmp/cert.licence":    "not a Cumulocity licence",
		"/tmp/missing.licence": "does not exist",
		"/tmp":                 "is a directory",
		"":                     "enter the path",
		"/tmp/good.licence":    "",
	} {
		err := system.CheckLicenceFile(te.Env, typed)
		if want == "" {
			if err != nil {
				t.Errorf("%s: %v", typed, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", typed, err, want)
		}
	}
}
