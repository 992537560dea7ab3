package demo

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
)

// Demo inputs for options 2 and 3: a certificate, key and licence for the
// demo domain, as an operator would have copied them onto the Edge.
const (
	demoDomain   = "edge.demo.local"
	demoFilesDir = "root/demo"
)

func seedDemoCertificates(root string) error {
	dir := filepath.Join(root, demoFilesDir)
	crt := filepath.Join(dir, demoDomain+".crt")
	if _, err := edgeprops.NewRoot(root).Lstat(crt); err == nil {
		return nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: demoDomain},
		DNSNames:     []string{demoDomain, "*." + demoDomain},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().AddDate(1, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	files := []struct {
		name string
		data []byte
		mode os.FileMode
	}{
		{demoDomain + ".crt", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644},
		{demoDomain + ".key", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600},
		{demoDomain + ".licence", []byte("demo licence for " + demoDomain + "\n"), 0o644},
	}
	for _, f := range files {
		if err := edgeprops.WriteFileUnder(root, filepath.Join(dir, f.name), f.data, f.mode); err != nil {
			return err
		}
	}
	return nil
}
