package tenantapi

import (
	"crypto/x509/pkix"
	"encoding/pem"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim/simnet"
	"os"
	"path/filepath"
	"testing"
)

// newTestCA is a throw-away certificate authority (simnet).
func newTestCA(t *testing.T) *simnet.CA {
	return simnet.NewCA(t, pkix.Name{CommonName: "edge-setup test CA"})
}

func writePEM(t *testing.T, der []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "server.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
