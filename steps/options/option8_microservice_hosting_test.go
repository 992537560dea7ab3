package options

import (
	"fmt"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/system"
)

// hardware writes <root>/proc/cpuinfo and meminfo.
func hardware(t *testing.T, te *testEnv, cpus int, memKB int64) {
	t.Helper()
	var b strings.Builder
	for i := range cpus {
		fmt.Fprintf(&b, "processor\t: %d\nvendor_id\t: GenuineIntel\nmodel name\t: Intel Xeon\n\n", i)
	}
	te.write(t, "/proc/cpuinfo", b.String())
	te.write(t, "/proc/meminfo", fmt.Sprintf("MemTotal:       %d kB\nMemFree:         1000000 kB\n", memKB))
}

func TestMicroserviceHostingRequirements(t *testing.T) {
	for _, c := range []struct {
		name  string
		cpus  int
		memKB int64
		err   string
	}{
		{"8 GB VM reports less", 4, 8_005_000, ""}, // ~7.63 GiB
		{"two CPUs", 2, 16_000_000, "this VM has 2 CPUs"},
		{"7 GiB", 4, 7 * 1024 * 1024, "8 GB RAM; this VM has 4 CPUs and 7.0 GiB"},
	} {
		t.Run(c.name, func(t *testing.T) {
			te := newTestEnv(t)
			hardware(t, te, c.cpus, c.memKB)
			err := (MicroserviceHosting{}).Available(te.Env)
			if c.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("err %v, want %q", err, c.err)
			}
		})
	}
	te := newTestEnv(t)
	if err := (MicroserviceHosting{}).Available(te.Env); err == nil || !strings.Contains(err.Error(), "/proc/cpuinfo") {
		t.Fatalf("no cpuinfo: %v", err)
	}
}

func TestMicroserviceHostingReservedRanges(t *testing.T) {
	te := newTestEnv(t)
	hardware(t, te, 4, 16_000_000)
	te.write(t, system.DockerDaemonFile, `{"bip":"10.100.0.1/16"}`)
	if err := (MicroserviceHosting{}).Available(te.Env); err == nil || !strings.Contains(err.Error(), "the Docker bridge 10.100.0.1/16 overlaps 10.96.0.0/12") {
		t.Fatalf("%v", err)
	}
	te.write(t, system.DockerDaemonFile, `{}`)
	te.write(t, "/opt/c8y/utilities/post-installer/config.dat", "network.ip=10.0.0.5\nnetmask=255.0.0.0\n")
	if err := (MicroserviceHosting{}).Available(te.Env); err == nil || !strings.Contains(err.Error(), "the VM's network 10.0.0.0/8 overlaps 10.96.0.0/12") {
		t.Fatalf("%v", err)
	}
}

func TestMicroserviceHostingToggle(t *testing.T) {
	te := newTestEnv(t)
	hardware(t, te, 4, 16_000_000)
	s := MicroserviceHosting{}
	if got := s.Title(te.Env); got != "Enable microservice hosting feature" {
		t.Fatal(got)
	}
	a, _ := drive(t, te.Env, s)
	confirm := s.Confirm(te.Env, a)
	if !anyContains(confirm, "Reserved for it: 10.96.0.0/12 (services) and 10.244.0.0/16 (pods)") || !anyContains(confirm, "4 CPUs, 15.3 GiB RAM") {
		t.Fatalf("Confirm:\n%s", strings.Join(confirm, "\n"))
	}
	evs := mustRun(t, te.Env, s, a)
	wantLines(t, planned(te.Env), "systemctl enable --now kubelet", "systemctl restart cumulocity-core-karaf")
	if !hasEvent(evs, steps.Info, "10.96.0.0/12 and 10.244.0.0/16") {
		t.Fatal("reserved ranges not mentioned")
	}
	if got := s.Title(te.Env); got != "Disable microservice hosting feature" {
		t.Fatal(got)
	}
	if m := te.mode(t, "/var/lib/edge-setup/microservice-hosting.json"); m != 0o600 {
		t.Errorf("state mode %o", m)
	}

	// Disabling needs no hardware check.
	hardware(t, te, 1, 1_000_000)
	if err := s.Available(te.Env); err != nil {
		t.Fatal(err)
	}
	mustRun(t, te.Env, s, a)
	wantLines(t, planned(te.Env)[2:], "systemctl disable --now kubelet", "systemctl restart cumulocity-core-karaf")
	if got := s.Title(te.Env); got != "Enable microservice hosting feature" {
		t.Fatal(got)
	}
}

func TestMicroserviceHostingFirstCommandFails(t *testing.T) {
	te := newTestEnv(t)
	hardware(t, te, 4, 16_000_000)
	te.Runner = failingRunner(te, "Unit kubelet.service not found.")
	_, err := run(t, te.Env, MicroserviceHosting{}, steps.Answers{})
	if err == nil || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("err %v", err)
	}
	if (MicroserviceHosting{}).Title(te.Env) != "Enable microservice hosting feature" {
		t.Fatal("state recorded despite the failure")
	}
}
