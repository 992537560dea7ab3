package system

import (
	"fmt"
	"math/bits"
	"net/netip"
	"strconv"
	"strings"
)

// Address ranges reserved for microservice hosting (Kubernetes services and
// pods): the network settings must stay out of them.
var (
	ReservedServiceRange = netip.MustParsePrefix("10.96.0.0/12")
	ReservedPodRange     = netip.MustParsePrefix("10.244.0.0/16")
	// KubeDNSAddress is the cluster DNS of microservice hosting; it cannot be the host's DNS.
	KubeDNSAddress = netip.MustParseAddr("10.96.0.10")
)

var ReservedRanges = []netip.Prefix{ReservedServiceRange, ReservedPodRange}

// ParseIPv4 accepts a dotted IPv4 address; what describes it in errors.
func ParseIPv4(s, what string) (netip.Addr, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return netip.Addr{}, fmt.Errorf("enter the %s, e.g. 192.168.1.10", what)
	}
	if strings.Contains(s, "/") {
		return netip.Addr{}, fmt.Errorf("%q: enter the %s without a /prefix (the netmask is asked separately)", s, what)
	}
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("%q is not an IPv4 address: enter four numbers 0-255 separated by dots, e.g. 192.168.1.10", s)
	}
	if !ip.Is4() {
		return netip.Addr{}, fmt.Errorf("%q is not an IPv4 address: the Edge network needs IPv4, e.g. 192.168.1.10", s)
	}
	return ip, nil
}

// ValidateHostIP checks the Edge's own IPv4 address.
func ValidateHostIP(s string) (string, error) {
	ip, err := ParseIPv4(s, "IP address")
	if err != nil {
		return "", err
	}
	switch {
	case ip.IsUnspecified():
		return "", fmt.Errorf("%s cannot be a host address: enter the address the Edge VM should have", ip)
	case ip.IsLoopback():
		return "", fmt.Errorf("%s is a loopback address: enter the address of the VM on its network", ip)
	case ip.IsMulticast():
		return "", fmt.Errorf("%s is a multicast address: enter a unicast address for the VM", ip)
	case ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "", fmt.Errorf("%s is the broadcast address: enter the address the Edge VM should have", ip)
	case ip.IsLinkLocalUnicast():
		return "", fmt.Errorf("%s is a link-local (169.254.x.x) address, which is assigned automatically: enter a fixed address of your network", ip)
	}
	if r, ok := reservedContaining(ip); ok {
		return "", fmt.Errorf("%s is inside %s, which is reserved for microservice hosting: choose an address outside 10.96.0.0/12 and 10.244.0.0/16", ip, r)
	}
	return ip.String(), nil
}

// ParseNetmask accepts a dotted netmask ("255.255.255.0") or a prefix length
// ("24" or "/24") and returns the prefix length.
func ParseNetmask(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("enter the netmask, e.g. 255.255.255.0")
	}
	if n, err := strconv.Atoi(strings.TrimPrefix(s, "/")); err == nil && !strings.Contains(s, ".") {
		if n < 0 || n > 32 {
			return 0, fmt.Errorf("/%d is not a prefix length: use 0 to 32, or a netmask like 255.255.255.0", n)
		}
		return n, nil
	}
	ip, err := netip.ParseAddr(s)
	if err != nil || !ip.Is4() {
		return 0, fmt.Errorf("%q is not a netmask: enter it like 255.255.255.0", s)
	}
	b := ip.As4()
	m := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	ones := bits.LeadingZeros32(^m)
	if m<<ones != 0 {
		return 0, fmt.Errorf("%s is not a valid netmask: its 1-bits must be contiguous from the left (like 255.255.255.0 or 255.255.0.0); check for a mistyped octet", s)
	}
	return ones, nil
}

// netmaskString is the dotted form of a prefix length.
func netmaskString(bitsLen int) string {
	m := ^uint32(0) << (32 - bitsLen)
	if bitsLen == 0 {
		m = 0
	}
	return netip.AddrFrom4([4]byte{byte(m >> 24), byte(m >> 16), byte(m >> 8), byte(m)}).String()
}

// ValidateNetmask checks the netmask for the host address ip (may be
// invalid when unknown) and returns it dotted.
func ValidateNetmask(s string, ip netip.Addr) (string, error) {
	n, err := ParseNetmask(s)
	if err != nil {
		return "", err
	}
	switch {
	case n == 0:
		return "", fmt.Errorf("%s puts every address in one network: enter the netmask of your network, e.g. 255.255.255.0", netmaskString(n))
	case n > 30:
		return "", fmt.Errorf("%s (/%d) leaves no room for the VM and a gateway: enter the netmask of your network, e.g. 255.255.255.0", netmaskString(n), n)
	case n < 8:
		return "", fmt.Errorf("%s (/%d) is wider than any real LAN: check the netmask, e.g. 255.255.255.0", netmaskString(n), n)
	}
	if ip.IsValid() {
		p := netip.PrefixFrom(ip, n).Masked()
		if ip == p.Addr() {
			return "", fmt.Errorf("with netmask %s the IP address %s is the network address of %s and cannot be a host: check the address or the netmask", netmaskString(n), ip, p)
		}
		if ip == broadcast(p) {
			return "", fmt.Errorf("with netmask %s the IP address %s is the broadcast address of %s and cannot be a host: check the address or the netmask", netmaskString(n), ip, p)
		}
	}
	return netmaskString(n), nil
}

// broadcast is the last address of an IPv4 prefix.
func broadcast(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	v |= ^uint32(0) >> p.Bits()
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// HostSubnet is the network of ip with the dotted netmask (invalid prefix
// when either is unusable).
func HostSubnet(ip, mask string) netip.Prefix {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return netip.Prefix{}
	}
	n, err := ParseNetmask(mask)
	if err != nil {
		return netip.Prefix{}
	}
	return netip.PrefixFrom(a, n).Masked()
}

// ValidateGateway checks that the gateway is a usable host of the subnet of
// ip/mask and not the VM itself.
func ValidateGateway(s, ip, mask string) (string, error) {
	gw, err := ParseIPv4(s, "gateway IP")
	if err != nil {
		return "", err
	}
	subnet := HostSubnet(ip, mask)
	if !subnet.IsValid() {
		return gw.String(), nil
	}
	switch {
	case !subnet.Contains(gw):
		return "", fmt.Errorf("the gateway %s is outside the VM's network %s: the VM can only reach a gateway on its own network; check the gateway, the IP address or the netmask", gw, subnet)
	case gw == subnet.Addr():
		return "", fmt.Errorf("%s is the network address of %s, not a gateway: enter the router's address, often %s", gw, subnet, subnet.Addr().Next())
	case gw == broadcast(subnet):
		return "", fmt.Errorf("%s is the broadcast address of %s, not a gateway: enter the router's address", gw, subnet)
	case gw.String() == ip:
		return "", fmt.Errorf("%s is the VM's own IP address: enter the address of the router of your network", gw)
	}
	return gw.String(), nil
}

// ValidateDNS checks the DNS server address: the gateway is fine (many
// routers forward DNS), the cluster DNS and loopback are not.
func ValidateDNS(s string) (string, error) {
	ip, err := ParseIPv4(s, "DNS server IP")
	if err != nil {
		return "", err
	}
	switch {
	case ip == KubeDNSAddress:
		return "", fmt.Errorf("%s is the DNS of microservice hosting inside the Edge and cannot be the VM's DNS: enter your network's DNS server, or the gateway IP if you do not know it", ip)
	case ip.IsLoopback():
		return "", fmt.Errorf("%s is a loopback address and cannot be used as DNS server here: enter your network's DNS server, or the gateway IP if you do not know it", ip)
	case ip.IsUnspecified() || ip.IsMulticast() || ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "", fmt.Errorf("%s cannot be a DNS server: enter your network's DNS server, or the gateway IP if you do not know it", ip)
	}
	return ip.String(), nil
}

// DefaultDockerBridge is Docker's own default bridge address ("bip").
const DefaultDockerBridge = "172.17.0.1/16"

// ValidateDockerBridge checks a Docker bridge address in bip form (the
// bridge's own address with prefix, e.g. 172.18.0.1/16): blank keeps
// current; it must not overlap the reserved ranges or the host subnet.
func ValidateDockerBridge(s, current string, host netip.Prefix) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		s = current
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		if _, aerr := netip.ParseAddr(s); aerr == nil {
			return "", fmt.Errorf("%q has no prefix length: enter it as address/prefix, e.g. 172.18.0.1/16", s)
		}
		return "", fmt.Errorf("%q is not a network in CIDR notation: enter it like 172.18.0.1/16 (leave blank to keep %s)", s, current)
	}
	if !p.Addr().Is4() {
		return "", fmt.Errorf("%s is not an IPv4 network: enter it like 172.18.0.1/16", p)
	}
	if p.Bits() < 8 || p.Bits() > 30 {
		return "", fmt.Errorf("/%d is not a usable bridge network size: use a prefix between /8 and /30, e.g. 172.18.0.1/16", p.Bits())
	}
	net := p.Masked()
	if p.Addr() == net.Addr() {
		return "", fmt.Errorf("%s is the network address: Docker needs the bridge's own address, e.g. %s/%d", p.Addr(), net.Addr().Next(), p.Bits())
	}
	if p.Addr() == broadcast(net) {
		return "", fmt.Errorf("%s is the broadcast address of %s: Docker needs the bridge's own address, e.g. %s/%d", p.Addr(), net, net.Addr().Next(), p.Bits())
	}
	for _, r := range ReservedRanges {
		if net.Overlaps(r) {
			return "", fmt.Errorf("%s overlaps %s, which is reserved for microservice hosting: choose a network outside 10.96.0.0/12 and 10.244.0.0/16, e.g. 172.18.0.1/16", net, r)
		}
	}
	if host.IsValid() && net.Overlaps(host) {
		return "", fmt.Errorf("%s overlaps the VM's network %s: containers could not reach those hosts; choose another network, e.g. 172.18.0.1/16", net, host)
	}
	return p.String(), nil
}

func reservedContaining(ip netip.Addr) (netip.Prefix, bool) {
	for _, r := range ReservedRanges {
		if r.Contains(ip) {
			return r, true
		}
	}
	return netip.Prefix{}, false
}
