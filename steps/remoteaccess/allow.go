package remoteaccess

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps/safetext"
)

// AllowListFile is the allow-list of the relay under the root: one
// HOST:PORT a line ('#' starts a comment). The relay connects only to
// what it names; everything else ends FAILED without a connection.
const AllowListFile = "etc/edge-setup/remote-access-allow"

func init() { edgeprops.RegisterWriteDir("etc/edge-setup") }

// maxAllowList bounds the file read (a few thousand entries).
const maxAllowList = 256 << 10

// AllowList is the host:port pairs the relay may connect to, as written
// (the names are resolved when a session asks, so a changed /etc/hosts
// counts).
type AllowList struct {
	Entries []string // "host:port", normalised by ParseHostPort
}

// ParseHostPort checks HOST:PORT (a name, an IPv4 address or a bracketed
// IPv6 address; a port 1-65535) and returns it normalised.
func ParseHostPort(s string) (string, error) {
	s = strings.TrimSpace(s)
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return "", fmt.Errorf("%q is not HOST:PORT (write [::1]:22 for an IPv6 address)", safetext.Line(s))
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 1 || p > 65535 {
		return "", fmt.Errorf("the port of %q is not a TCP port from 1 to 65535", safetext.Line(s))
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return net.JoinHostPort(a.Unmap().String(), strconv.Itoa(p)), nil
	}
	if !isHostName(host) {
		return "", fmt.Errorf("%q is not a host name or IP address", safetext.Line(host))
	}
	return net.JoinHostPort(strings.ToLower(strings.TrimSuffix(host, ".")), strconv.Itoa(p)), nil
}

// isHostName: letters, digits, '-', '_' and '.', at most 253 characters.
func isHostName(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for _, c := range h {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// LoadAllowList reads the allow-list; a missing file is an empty list.
func LoadAllowList(props *edgeprops.Store) (AllowList, error) {
	data, err := props.ReadFile(props.Path(AllowListFile), maxAllowList)
	if errors.Is(err, fs.ErrNotExist) {
		return AllowList{}, nil
	}
	if err != nil {
		return AllowList{}, err
	}
	var l AllowList
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		e, err := ParseHostPort(line)
		if err != nil {
			return AllowList{}, fmt.Errorf("/%s is damaged (%v): correct or delete that line", AllowListFile, err)
		}
		if !slices.Contains(l.Entries, e) {
			l.Entries = append(l.Entries, e)
		}
	}
	return l, nil
}

func (l AllowList) save(props *edgeprops.Store) error {
	var b strings.Builder
	b.WriteString("# Where the remote access relay may connect (edge-setup remote-access allow|deny HOST:PORT).\n")
	for _, e := range l.Entries {
		b.WriteString(e + "\n")
	}
	return props.WriteFile(props.Path(AllowListFile), []byte(b.String()), 0o644)
}

// Allow adds hostport to the allow-list; it reports whether it was missing.
func Allow(props *edgeprops.Store, hostport string) (bool, error) {
	e, err := ParseHostPort(hostport)
	if err != nil {
		return false, err
	}
	l, err := LoadAllowList(props)
	if err != nil || slices.Contains(l.Entries, e) {
		return false, err
	}
	l.Entries = append(l.Entries, e)
	return true, l.save(props)
}

// Deny removes hostport from the allow-list; it reports whether it was there.
func Deny(props *edgeprops.Store, hostport string) (bool, error) {
	e, err := ParseHostPort(hostport)
	if err != nil {
		return false, err
	}
	l, err := LoadAllowList(props)
	if err != nil || !slices.Contains(l.Entries, e) {
		return false, err
	}
	l.Entries = slices.DeleteFunc(l.Entries, func(x string) bool { return x == e })
	return true, l.save(props)
}

// String is the list for a screen or a log line.
func (l AllowList) String() string {
	if len(l.Entries) == 0 {
		return "nothing (the relay refuses every session)"
	}
	return strings.Join(l.Entries, ", ")
}

// NotAllowedError is the failure of a session to a target the list does
// not name. Its text never depends on the target's state.
type NotAllowedError struct{ Target string }

func (e *NotAllowedError) Error() string {
	return fmt.Sprintf("%s is not allowed on this Edge: allow it with edge-setup remote-access allow %s on the Edge (or in S)", e.Target, e.Target)
}

// resolveTimeout bounds the name lookups of one decision.
const resolveTimeout = 5 * time.Second

// Permit decides whether a session may connect to host:port. It resolves
// both the target and the listed names to addresses and answers the
// address to dial (the one resolved here, so a second lookup cannot lead
// elsewhere), or *NotAllowedError. Nothing connects to the target.
func (l AllowList) Permit(ctx context.Context, host string, port int) (string, error) {
	target := net.JoinHostPort(safetext.Line(truncate(host, 100)), strconv.Itoa(port))
	denied := &NotAllowedError{Target: target}
	if port < 1 || port > 65535 || len(l.Entries) == 0 {
		return "", denied
	}
	ctx, cancel := context.WithTimeout(ctx, resolveTimeout)
	defer cancel()
	allowed := map[netip.AddrPort]bool{}
	for _, e := range l.Entries {
		h, p, _ := net.SplitHostPort(e)
		if strconv.Itoa(port) != p {
			continue
		}
		for _, a := range resolve(ctx, h) {
			allowed[netip.AddrPortFrom(a, uint16(port))] = true
		}
	}
	for _, a := range resolve(ctx, host) {
		if ap := netip.AddrPortFrom(a, uint16(port)); allowed[ap] {
			return ap.String(), nil
		}
	}
	return "", denied
}

// resolve is host's addresses as a connection reaches them: IPv4-mapped
// IPv6 unmapped, and the unspecified address (0.0.0.0, ::) as the
// loopback it reaches on Linux. Nothing when host cannot be resolved.
func resolve(ctx context.Context, host string) []netip.Addr {
	host = strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"), ".")
	if host == "" || strings.ContainsAny(host, "%/ ") {
		return nil
	}
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
	} else {
		ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return nil
		}
		addrs = ips
	}
	out := make([]netip.Addr, 0, len(addrs))
	for _, a := range addrs {
		a = a.Unmap()
		switch {
		case a == netip.IPv4Unspecified():
			a = netip.AddrFrom4([4]byte{127, 0, 0, 1})
		case a == netip.IPv6Unspecified():
			a = netip.IPv6Loopback()
		}
		out = append(out, a.WithZone(""))
	}
	return out
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
