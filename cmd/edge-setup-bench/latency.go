package main

import (
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// latencyProxy forwards TCP to target, delivering every chunk half a round
// trip later in each direction (bandwidth is not limited): the simulated
// distance between the tenant and both the client and the Edge.
type latencyProxy struct {
	ln     net.Listener
	target string
	oneWay atomic.Int64 // nanoseconds
	wg     sync.WaitGroup
}

func startLatencyProxy(target string, rtt time.Duration) (*latencyProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &latencyProxy{ln: ln, target: target}
	p.setRTT(rtt)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				var pair sync.WaitGroup
				pair.Add(2)
				go func() { defer pair.Done(); p.pump(up, c) }()
				go func() { defer pair.Done(); p.pump(c, up) }()
				pair.Wait()
				c.Close()
				up.Close()
			}()
		}
	}()
	return p, nil
}

func (p *latencyProxy) setRTT(rtt time.Duration) { p.oneWay.Store(int64(rtt / 2)) }

func (p *latencyProxy) addr() string { return p.ln.Addr().String() }

func (p *latencyProxy) close() { p.ln.Close() }

type chunk struct {
	b  []byte
	at time.Time
}

// pump copies src to dst, each chunk held until its delivery time.
func (p *latencyProxy) pump(dst, src net.Conn) {
	ch := make(chan chunk, 4096)
	go func() {
		defer close(ch)
		for {
			buf := make([]byte, 64<<10)
			n, err := src.Read(buf)
			if n > 0 {
				ch <- chunk{b: buf[:n], at: time.Now().Add(time.Duration(p.oneWay.Load()))}
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range ch {
		if d := time.Until(c.at); d > 0 {
			time.Sleep(d)
		}
		if _, err := dst.Write(c.b); err != nil {
			break
		}
	}
	if tc, ok := dst.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
	for range ch { // drain so the reader ends
	}
}
