package system_test

import (
	"net"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/steps/system"
)

// Fuzz targets for what operators type. Their seed corpora live in
// testdata/fuzz/<FuzzName>/, so `go test` runs them every time; explore with
//
//	go test ./steps -run '^$' -fuzz FuzzNormalizeCloudURL -fuzztime 60s

// oneLineMessage: validation errors are shown under a prompt as they are,
// so they are one line without control characters (an escape sequence
// typed by the operator must not reach the terminal).
func oneLineMessage(t *testing.T, what string, err error) {
	t.Helper()
	msg := err.Error()
	if msg == "" || strings.ContainsFunc(msg, func(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }) {
		t.Fatalf("%s: error is not one clean line: %q", what, msg)
	}
}

func FuzzNormalizeCloudURL(f *testing.F) {
	for _, s := range []string{
		"acme.cumulocity.com", "https://acme.cumulocity.com/", "HTTPS://Acme.Cumulocity.COM:443",
		"http://localhost:8080", "http://127.0.0.1", "http://[::1]:8111/", "https://[2001:db8::1]",
		"ftp://x", "https://u:p@acme.cumulocity.com", "https://acme.cumulocity.com/apps?x#y",
		" acme.cumulocity.com ", "https://acme.cumulocity.com.", "https://%41cme.com", "https://acme..com",
		"http://localhost.", "https://1.2.3.4:0", "https://acme.com:99999", "https://[fe80::1%25eth0]",
		"//acme.com", "https:acme.com", "https://acme.com?", "https://acme.com/#",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := system.NormalizeCloudURL(in)
		if err != nil {
			oneLineMessage(t, "NormalizeCloudURL", err)
			return
		}
		if strings.TrimSpace(in) == "" {
			if out != "" {
				t.Fatalf("blank %q normalised to %q", in, out)
			}
			return
		}
		if out == "" {
			t.Fatalf("%q normalised to blank", in)
		}
		again, err := system.NormalizeCloudURL(out)
		if err != nil || again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", in, out, again, err)
		}
		u, err := url.Parse(out)
		if err != nil {
			t.Fatalf("%q -> %q does not parse: %v", in, out, err)
		}
		switch {
		case u.Scheme == "https":
		case u.Scheme == "http":
			h := u.Hostname()
			if ip := net.ParseIP(h); h != "localhost" && (ip == nil || !ip.IsLoopback()) {
				t.Fatalf("%q -> %q: http:// for a host that is not loopback", in, out)
			}
		default:
			t.Fatalf("%q -> %q: scheme %q", in, out, u.Scheme)
		}
		if u.User != nil || u.Path != "" || u.RawPath != "" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.Opaque != "" {
			t.Fatalf("%q -> %q keeps user, path, query or fragment: %#v", in, out, u)
		}
		if u.Hostname() == "" || strings.ContainsAny(out, " \t\r\n#?@\\") || out != strings.ToLower(u.Scheme)+"://"+u.Host {
			t.Fatalf("%q -> %q is not a plain base URL", in, out)
		}
		if u.Host != strings.ToLower(u.Host) {
			t.Fatalf("%q -> %q: host not lower case", in, out)
		}
		if !system.SameHost(out, out) {
			t.Fatalf("SameHost(%q, itself) is false", out)
		}
	})
}

func FuzzNetmask(f *testing.F) {
	for _, s := range [][2]string{
		{"255.255.255.0", "192.168.1.10"}, {"24", "10.0.0.5"}, {"/16", "172.16.0.1"}, {"255.255.0.255", ""},
		{"0.0.0.0", "1.2.3.4"}, {"/31", "192.168.1.1"}, {"33", ""}, {"255.255.255.255", ""}, {"-1", ""},
		{"255.255.255.0", "192.168.1.0"}, {"255.255.255.0", "192.168.1.255"}, {"0x18", ""}, {"+24", ""}, {"024", ""},
		{" 255.255.255.128 ", "10.1.1.1"}, {"::ffff:255.255.255.0", ""},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, mask, host string) {
		n, err := system.ParseNetmask(mask)
		if err != nil {
			oneLineMessage(t, "ParseNetmask", err)
		} else if n < 0 || n > 32 {
			t.Fatalf("ParseNetmask(%q) = %d", mask, n)
		}
		ip, _ := netip.ParseAddr(strings.TrimSpace(host))
		if !ip.Is4() {
			ip = netip.Addr{}
		}
		v, verr := system.ValidateNetmask(mask, ip)
		if verr != nil {
			oneLineMessage(t, "ValidateNetmask", verr)
			return
		}
		if err != nil {
			t.Fatalf("ValidateNetmask accepted %q that ParseNetmask refuses: %v", mask, err)
		}
		back, err := system.ParseNetmask(v)
		if err != nil || back != n {
			t.Fatalf("%q -> %q reads back as /%d, %v; want /%d", mask, v, back, err, n)
		}
		if again, err := system.ValidateNetmask(v, ip); err != nil || again != v {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", mask, v, again, err)
		}
		if n < 8 || n > 30 {
			t.Fatalf("ValidateNetmask accepted /%d", n)
		}
		if ip.IsValid() {
			p := netip.PrefixFrom(ip, n).Masked()
			if ip == p.Addr() {
				t.Fatalf("%s with %s is the network address", ip, v)
			}
		}
	})
}

func FuzzIPValidators(f *testing.F) {
	for _, s := range [][5]string{
		{"192.168.1.10", "192.168.1.1", "255.255.255.0", "8.8.8.8", "172.18.0.1/16"},
		{"10.0.0.5", "10.0.0.1", "24", "10.0.0.1", ""},
		{"127.0.0.1", "0.0.0.0", "255.255.255.255", "10.96.0.10", "10.96.0.1/12"},
		{"10.100.0.5", "10.100.0.1", "16", "::1", "10.244.1.1/24"},
		{"169.254.1.1", "192.168.1.255", "255.255.255.0", "224.0.0.1", "172.17.0.0/16"},
		{" 192.168.001.010 ", "192.168.1.10", "/24", "1.1.1.1", "192.168.1.1/24"},
		{"::ffff:192.168.1.10", "fe80::1", "x", "1.2.3.4/32", "172.18.255.255/16"},
		{"192.168.1.10/24", "", "", "", "2001:db8::1/64"},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4])
	}
	f.Fuzz(func(t *testing.T, host, gateway, mask, dns, bridge string) {
		idem := func(name string, fn func(string) (string, error), in string) (string, bool) {
			t.Helper()
			v, err := fn(in)
			if err != nil {
				oneLineMessage(t, name, err)
				return "", false
			}
			a, err := netip.ParseAddr(v)
			if err != nil || !a.Is4() || a.String() != v {
				t.Fatalf("%s(%q) = %q: not a canonical IPv4 address", name, in, v)
			}
			if again, err := fn(v); err != nil || again != v {
				t.Fatalf("%s not idempotent: %q -> %q -> %q, %v", name, in, v, again, err)
			}
			return v, true
		}
		ip, hostOK := idem("ValidateHostIP", system.ValidateHostIP, host)
		if hostOK {
			a := netip.MustParseAddr(ip)
			if a.IsLoopback() || a.IsUnspecified() || a.IsMulticast() || a.IsLinkLocalUnicast() ||
				system.ReservedServiceRange.Contains(a) || system.ReservedPodRange.Contains(a) {
				t.Fatalf("ValidateHostIP accepted %s", a)
			}
		}
		if d, ok := idem("ValidateDNS", system.ValidateDNS, dns); ok && (d == system.KubeDNSAddress.String() || netip.MustParseAddr(d).IsLoopback()) {
			t.Fatalf("ValidateDNS accepted %s", d)
		}
		gw, gwOK := idem("ValidateGateway", func(s string) (string, error) { return system.ValidateGateway(s, ip, mask) }, gateway)
		var subnet netip.Prefix
		if hostOK {
			if n, err := system.ParseNetmask(mask); err == nil {
				subnet = netip.PrefixFrom(netip.MustParseAddr(ip), n).Masked()
			}
		}
		if gwOK && subnet.IsValid() {
			g := netip.MustParseAddr(gw)
			if !subnet.Contains(g) || g == subnet.Addr() || gw == ip {
				t.Fatalf("ValidateGateway accepted %s for %s in %s", gw, ip, subnet)
			}
		}

		b, err := system.ValidateDockerBridge(bridge, system.DefaultDockerBridge, subnet)
		if err != nil {
			oneLineMessage(t, "ValidateDockerBridge", err)
			return
		}
		p, perr := netip.ParsePrefix(b)
		if perr != nil || !p.Addr().Is4() || p.String() != b || p.Bits() < 8 || p.Bits() > 30 {
			t.Fatalf("ValidateDockerBridge(%q) = %q: not a canonical IPv4 bip", bridge, b)
		}
		if p.Masked().Overlaps(system.ReservedServiceRange) || p.Masked().Overlaps(system.ReservedPodRange) ||
			(subnet.IsValid() && p.Masked().Overlaps(subnet)) || p.Addr() == p.Masked().Addr() {
			t.Fatalf("ValidateDockerBridge(%q) = %q overlaps a reserved or the host network, or is the network address", bridge, b)
		}
		if again, err := system.ValidateDockerBridge(b, system.DefaultDockerBridge, subnet); err != nil || again != b {
			t.Fatalf("ValidateDockerBridge not idempotent: %q -> %q -> %q, %v", bridge, b, again, err)
		}
	})
}
