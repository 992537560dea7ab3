package simnet

import (
	"context"
	"net"
	"sync"
	"testing"
)

// NXDOMAINServer starts a DNS server on loopback that answers every query
// with "no such name" and returns its address; it stops with the test.
func NXDOMAINServer(t testing.TB) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		buf := make([]byte, 1500)
		for {
			n, addr, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if n < 12 {
				continue
			}
			msg := append([]byte(nil), buf[:n]...)
			msg[2] = 0x81 | (msg[2] & 0x01) // response, recursion desired as asked
			msg[3] = 0x83                   // recursion available, NXDOMAIN
			_, _ = pc.WriteTo(msg, addr)
		}
	}()
	t.Cleanup(func() { pc.Close(); wg.Wait() })
	return pc.LocalAddr().String()
}

// Resolver returns a resolver that asks only the DNS server at addr, so no
// query leaves the machine.
func Resolver(addr string) *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", addr)
	}}
}
