package tui_test

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/steps/registration"
	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim/simnet"
)

var networkFiles = func(t *testing.T, w *stepstest.World) {
	writeUnder(t, w, "/sys/class/net/ens160/.keep", "")
	writeUnder(t, w, "/etc/netplan/50-cloud-init.yaml", "network:\n  ethernets:\n    ens160:\n      dhcp4: true\n")
	writeUnder(t, w, "/root/net.txt", "network.ip=192.168.1.10\nnetmask=255.255.255.0\ngateway.ip=192.168.1.1\ndns.server.ip=192.168.1.1\ndocker.bridge.cidr=172.18.0.1/16\n")
}

// edgeCert is one certificate for edge.example.com shared by the three
// runs of a case (the installed files must be the same).
var edgeCert = sync.OnceValues(func() (cert, key string) {
	ca := simnet.NewCA(nopT{}, pkix.Name{CommonName: "parity CA"})
	leaf := ca.Leaf(nopT{}, []string{"edge.example.com"}, nil, time.Now().AddDate(0, 0, -1), time.Now().AddDate(1, 0, 0))
	der, err := x509.MarshalPKCS8PrivateKey(leaf.PrivateKey)
	if err != nil {
		panic(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leaf.Certificate[0]})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
})

// nopT lets the shared certificate be made once, outside any one test.
type nopT struct{ testing.TB }

func (nopT) Helper()               {}
func (nopT) Fatal(args ...any)     { panic(fmt.Sprint(args...)) }
func (nopT) Fatalf(string, ...any) { panic("certificate") }

var certFiles = func(t *testing.T, w *stepstest.World) {
	cert, key := edgeCert()
	writeUnder(t, w, "/tmp/edge.crt", cert)
	writeUnder(t, w, "/tmp/edge.key", key)
	writeUnder(t, w, "/tmp/edge.licence", "LICENCE for edge.example.com\n")
}

const parityPassword = "Edge-Admin-1"

// postInstallFile is option 2's parameter file with every key.
func postInstallFile(w *stepstest.World) string {
	return "tenant.admin.username=admin\ntenant.admin.password=" + parityPassword + "\ntenant.domain.name=edge.example.com\n" +
		"ssl.certificate=/tmp/edge.crt\nssl.certificate.key=/tmp/edge.key\nc8y.license=/tmp/edge.licence\nc8y.url=" + w.URL + "\n"
}

// postInstalled is an Edge after option 2 (by apply, the same in every
// run), with an update file for option 3.
var postInstalled = func(t *testing.T, w *stepstest.World) {
	certFiles(t, w)
	writeUnder(t, w, "/root/post.txt", postInstallFile(w))
	applyAnswers(t, w, "options:\n  - option: 2\n    answers: {input.mode: F, input.file: /root/post.txt}\n")
	// Option 3 installs a renewed licence (the same files would be a rerun:
	// unchanged in apply).
	writeUnder(t, w, "/root/renewed/edge.licence", "LICENCE for edge.example.com, renewed\n")
	writeUnder(t, w, "/root/update.txt", "ssl.certificate=/tmp/edge.crt\nssl.certificate.key=/tmp/edge.key\nc8y.license=/root/renewed/edge.licence\n")
}

var parityCases = []parityCase{
	{
		name: "2 from a parameter file", option: "2", done: "Done.",
		setup: func(t *testing.T, w *stepstest.World) {
			certFiles(t, w)
			writeUnder(t, w, "/root/post.txt", postInstallFile(w))
		},
		lines: func(*stepstest.World) []string { return []string{"F", "/root/post.txt"} },
		answers: func(*stepstest.World) string {
			return "options:\n  - option: 2\n    answers: {input.mode: F, input.file: /root/post.txt}\n"
		},
	},
	{
		name: "3 from a parameter file", setup: postInstalled, option: "3", done: "Done.",
		lines: func(*stepstest.World) []string { return []string{"F", "/root/update.txt"} },
		answers: func(*stepstest.World) string {
			return "options:\n  - option: 3\n    answers: {input.mode: F, input.file: /root/update.txt}\n"
		},
	},
	{
		name: "2 from the console", setup: certFiles, option: "2", done: "Done.",
		lines: func(w *stepstest.World) []string {
			return []string{"C", "admin", parityPassword, parityPassword, "edge.example.com", "/tmp/edge.crt", "/tmp/edge.key", "/tmp/edge.licence", "\x15" + w.URL}
		},
		answers: func(w *stepstest.World) string {
			return "options:\n  - option: 2\n    answers: {input.mode: C, tenant.admin.username: admin, tenant.admin.password: " + parityPassword +
				", tenant.admin.password.again: " + parityPassword + ", tenant.domain.name: edge.example.com, ssl.certificate: /tmp/edge.crt, ssl.certificate.key: /tmp/edge.key, c8y.license: /tmp/edge.licence, c8y.url: \"" + w.URL + "\"}\n"
		},
	},
	{
		name: "1 from a parameter file", setup: networkFiles, option: "1", done: "Done.",
		lines: func(*stepstest.World) []string { return []string{"F", "/root/net.txt"} },
		answers: func(*stepstest.World) string {
			return "options:\n  - option: 1\n    answers: {input.mode: F, input.file: /root/net.txt}\n"
		},
	},
	{
		name: "1 from the console", setup: networkFiles, option: "1", done: "Done.",
		lines: func(*stepstest.World) []string {
			return []string{"C", "192.168.1.10", "255.255.255.0", "192.168.1.1", "192.168.1.1", "172.18.0.1/16"}
		},
		answers: func(*stepstest.World) string {
			return "options:\n  - option: 1\n    answers: {input.mode: C, network.ip: 192.168.1.10, netmask: 255.255.255.0, gateway.ip: 192.168.1.1, dns.server.ip: 192.168.1.1, docker.bridge.cidr: 172.18.0.1/16}\n"
		},
	},
	{
		name: "7 disabling remote management", setup: func(*testing.T, *stepstest.World) {}, option: "7", done: "Done.",
		lines:   func(*stepstest.World) []string { return []string{"\x15"} }, // Ctrl+U: a blank URL
		answers: func(*stepstest.World) string { return "options:\n  - option: 7\n    answers: {cloud_url: \"\"}\n" },
	},
	{
		name: "7 with a tenant URL", setup: func(*testing.T, *stepstest.World) {}, option: "7", done: registration.StatusNotAccepted,
		lines: func(w *stepstest.World) []string { return []string{"\x15" + w.URL, ""} },
		answers: func(w *stepstest.World) string {
			return "options:\n  - option: 7\n    answers: {cloud_url: \"" + w.URL + "\", tenant_user: \"\"}\n"
		},
	},
}
