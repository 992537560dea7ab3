package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"time"
)

// directFirstBytes times n TCP connections to addr through a proxy with
// the same RTT as the tenant's: dial to the banner's first byte, the floor
// any relay through a tenant is measured against.
func directFirstBytes(addr string, rtt time.Duration, n int) ([]time.Duration, error) {
	lat, err := startLatencyProxy(addr, rtt)
	if err != nil {
		return nil, err
	}
	defer lat.close()
	var out []time.Duration
	for range n {
		start := time.Now()
		c, err := net.Dial("tcp", lat.addr())
		if err != nil {
			return nil, err
		}
		_, err = io.ReadFull(c, make([]byte, 1))
		c.Close()
		if err != nil {
			return nil, fmt.Errorf("direct first byte: %w", err)
		}
		out = append(out, time.Since(start))
	}
	return out, nil
}

// upload sends n bytes in messages of size each (every Write on the
// tunnel is one WebSocket message, as go-c8y-cli writes each 1 KiB read)
// and waits for the server's one-byte receipt.
func upload(dial func() (net.Conn, error), n int64, size int) (time.Duration, error) {
	c, err := dial()
	if err != nil {
		return 0, err
	}
	defer c.Close()
	br := bufio.NewReader(c)
	if _, err := br.ReadString('\n'); err != nil {
		return 0, err
	}
	start := time.Now()
	if _, err := c.Write([]byte{'U'}); err != nil {
		return 0, err
	}
	buf := make([]byte, size)
	for left := n; left > 0; left -= int64(size) {
		if _, err := c.Write(buf[:min(int64(size), left)]); err != nil {
			return 0, err
		}
	}
	if _, err := io.ReadFull(br, make([]byte, 1)); err != nil {
		return 0, fmt.Errorf("no receipt: %w", err)
	}
	return time.Since(start), nil
}

// cpuOf runs one session through the relay and returns the CPU the relay
// spent on it, its session process included (counted once the relay has
// waited for it, after the session's "closed" line).
func (p *relayProcess) cpuOf(session func() error) (time.Duration, error) {
	pid := p.cmd.Process.Pid
	for len(p.closed) > 0 {
		<-p.closed
	}
	before, err := readCPUTicksWithChildren(pid)
	if err != nil {
		return 0, err
	}
	if err := session(); err != nil {
		return 0, err
	}
	select {
	case <-p.closed:
	case <-time.After(30 * time.Second):
		return 0, fmt.Errorf("the session did not close")
	}
	time.Sleep(300 * time.Millisecond) // the relay reaps its session process
	after, err := readCPUTicksWithChildren(pid)
	if err != nil {
		return 0, err
	}
	return time.Duration(after-before) * time.Second / time.Duration(clockTicks()), nil
}
