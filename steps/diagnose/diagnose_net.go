package diagnose

// The network checks of Diagnose: DNS and TCP.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"time"
)

func (r *diagRun) resolver() *net.Resolver {
	if r.d.Resolver != nil {
		return r.d.Resolver
	}
	return net.DefaultResolver
}

func (r *diagRun) checkDNS(ctx context.Context) Check {
	host, _, _ := net.SplitHostPort(r.target)
	what := host
	if r.proxy != nil {
		what = host + " (the proxy)"
	}
	if ip := net.ParseIP(host); ip != nil {
		return Check{Status: CheckOK, Detail: what + " is an IP address: no lookup needed"}
	}
	ctx, cancel := context.WithTimeout(ctx, r.d.Timeout)
	defer cancel()
	addrs, err := r.resolver().LookupIPAddr(ctx, host)
	if err == nil && len(addrs) == 0 {
		err = &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
	}
	if err != nil {
		return r.dnsFailure(what, err)
	}
	ips := make([]string, 0, len(addrs))
	for i, a := range addrs {
		if i == 3 {
			ips = append(ips, fmt.Sprintf("and %d more", len(addrs)-3))
			break
		}
		ips = append(ips, a.IP.String())
	}
	detail := what + " resolves to " + strings.Join(ips, ", ")
	if r.proxy != nil {
		detail += "; the proxy looks up " + r.tenant.Hostname() + " itself"
	}
	return Check{Status: CheckOK, Detail: detail}
}

func (r *diagRun) dnsFailure(what string, err error) Check {
	fixName := "check the spelling of the tenant URL (option 7, or --url)"
	if r.proxy != nil {
		fixName = "check the proxy host in " + r.proxyVar
	}
	fixServer := "check the DNS server (option 1 sets it; see /etc/resolv.conf) and that the network lets DNS through (UDP and TCP port 53)"
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns) && dns.IsNotFound:
		return Check{Status: CheckFail, Detail: "the DNS server says " + what + " does not exist",
			Fix: fixName + "; if it is right, " + fixServer}
	case errors.As(err, &dns) && dns.IsTimeout, errors.Is(err, context.DeadlineExceeded):
		return Check{Status: CheckFail, Detail: fmt.Sprintf("no DNS answer for %s within %s", what, r.d.Timeout),
			Fix: fixServer}
	case errors.As(err, &dns):
		return Check{Status: CheckFail, Detail: fmt.Sprintf("the DNS lookup of %s failed: %s", what, oneLine(dns.Err)),
			Fix: fixServer}
	}
	return Check{Status: CheckFail, Detail: fmt.Sprintf("the DNS lookup of %s failed: %s", what, oneLine(err.Error())), Fix: fixServer}
}

func (r *diagRun) checkTCP(ctx context.Context) Check {
	ctx, cancel := context.WithTimeout(ctx, r.d.Timeout)
	defer cancel()
	dialer := &net.Dialer{Resolver: r.d.Resolver}
	start := time.Now()
	conn, err := dialer.DialContext(ctx, "tcp", r.target)
	what := r.target
	if r.proxy != nil {
		what = r.target + " (the proxy)"
	}
	if err != nil {
		return r.tcpFailure(what, err)
	}
	r.conn = conn
	at := ""
	if ra := conn.RemoteAddr().String(); ra != r.target {
		at = " at " + ra
	}
	return Check{Status: CheckOK, Detail: fmt.Sprintf("connected to %s%s in %s", what, at, roundDuration(time.Since(start)))}
}

func (r *diagRun) tcpFailure(what string, err error) Check {
	_, port, _ := net.SplitHostPort(r.target)
	fixPort := "check the port in the tenant URL (https uses 443)"
	if r.proxy != nil {
		fixPort = "check the proxy port in " + r.proxyVar
	}
	firewall := fmt.Sprintf("allow outgoing TCP to %s in the firewall", r.target)
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return Check{Status: CheckFail, Detail: what + " refused the connection: nothing listens on port " + port + ", or a firewall rejects it",
			Fix: fixPort + "; if it is right, " + firewall}
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return Check{Status: CheckFail, Detail: "no route to " + what + " from this machine",
			Fix: "check the network settings (option 1): IP address, netmask and gateway"}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded), isNetTimeout(err):
		fix := firewall + ", and check the gateway (option 1)"
		if r.proxy == nil {
			fix += "; if this network reaches the internet only through a proxy, set HTTPS_PROXY"
		}
		return Check{Status: CheckFail, Detail: fmt.Sprintf("no answer from %s within %s: a firewall drops the traffic, or the route is wrong", what, r.d.Timeout), Fix: fix}
	}
	return Check{Status: CheckFail, Detail: "cannot connect to " + what + ": " + oneLine(rootErr(err).Error()),
		Fix: "check the network settings (option 1) and " + firewall}
}

func isNetTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func rootErr(err error) error {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err
		}
		err = next
	}
}
