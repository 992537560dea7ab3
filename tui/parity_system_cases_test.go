package tui_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/steps/system"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// systemCases are the options that run system commands (planned only in
// the sandbox: planned-commands.log is compared like any other file) or
// change the Edge platform's own tenant.
var systemCases = []parityCase{
	{
		name: "3 from the console", setup: postInstalled, option: "3", done: "Done.",
		lines: func(*stepstest.World) []string {
			return []string{"C", "\x15/tmp/edge.crt", "\x15/tmp/edge.key", "\x15/root/renewed/edge.licence"}
		},
		answers: func(*stepstest.World) string {
			return "options:\n  - option: 3\n    answers: {input.mode: C, ssl.certificate: /tmp/edge.crt, ssl.certificate.key: /tmp/edge.key, c8y.license: /root/renewed/edge.licence}\n"
		},
	},
	{
		name: "4 with a stored password that meets the policy", setup: postInstalled, option: "4", done: "Done.",
		lines:   func(*stepstest.World) []string { return nil },
		answers: func(*stepstest.World) string { return "options:\n  - option: 4\n" },
	},
	{
		name: "5 growing an ext4 root", setup: lsblkSnapshot, option: "5", done: "Done.",
		lines:   func(*stepstest.World) []string { return nil },
		answers: func(*stepstest.World) string { return "options:\n  - option: 5\n" },
	},
	{
		name: "6 changing the tenant admin password", setup: postInstalledWithPlatformPassword, option: "6", done: "Done.",
		tenant: func(o *tenantsim.Options) { o.TenantID = options.EdgeTenantID }, // the Edge's own platform
		lines:  func(*stepstest.World) []string { return []string{"Second#pass1", "Second#pass1"} },
		answers: func(*stepstest.World) string {
			return "options:\n  - option: 6\n    answers: {tenant.admin.password: Second#pass1, tenant.admin.password.again: Second#pass1}\n"
		},
	},
	{
		name: "8 enabling microservice hosting", setup: hostingHardware, option: "8", done: "Done.",
		lines:   func(*stepstest.World) []string { return nil },
		answers: func(*stepstest.World) string { return "options:\n  - option: 8\n    hosting: enabled\n" },
	},
}

func init() { parityCases = append(parityCases, systemCases...) }

// lsblkSnapshot gives the sandbox a disk layout (option 5 reads it instead
// of running lsblk).
func lsblkSnapshot(t *testing.T, w *stepstest.World) {
	data, err := os.ReadFile(filepath.Join("..", "steps", "options", "testdata", "lsblk-ext4-grown.json"))
	if err != nil {
		t.Fatal(err)
	}
	writeUnder(t, w, "/"+system.LsblkSnapshotFile, string(data))
}

// postInstalledWithPlatformPassword is postInstalled with the password the
// simulated Edge platform knows for admin (option 6 logs in with it).
func postInstalledWithPlatformPassword(t *testing.T, w *stepstest.World) {
	certFiles(t, w)
	writeUnder(t, w, "/root/post.txt", strings.Replace(postInstallFile(w), parityPassword, stepstest.AdminPassword, 1))
	applyAnswers(t, w, "options:\n  - option: 2\n    answers: {input.mode: F, input.file: /root/post.txt}\n")
}

// hostingHardware is a VM that meets option 8's requirements.
func hostingHardware(t *testing.T, w *stepstest.World) {
	var b strings.Builder
	for i := range 4 {
		fmt.Fprintf(&b, "processor\t: %d\nmodel name\t: Intel Xeon\n\n", i)
	}
	writeUnder(t, w, "/proc/cpuinfo", b.String())
	writeUnder(t, w, "/proc/meminfo", "MemTotal:       16000000 kB\nMemFree:         1000000 kB\n")
}
