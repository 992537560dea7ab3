package remoteaccess

import (
	"context"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Clock is the time a session's idle limit reads; tests pass a fake one.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// relayBytes copies both ways until either side ends, ctx ends or no byte
// crossed for idle (default DefaultIdleTimeout), then closes both. It
// returns the bytes from the tenant and to it, and whether idleness ended it.
func relayBytes(ctx context.Context, tcp, ws net.Conn, idle time.Duration, clk Clock) (in, out int64, wasIdle bool) {
	if clk == nil {
		clk = realClock{}
	}
	if idle <= 0 {
		idle = DefaultIdleTimeout
	}
	var last atomic.Int64
	last.Store(clk.Now().UnixNano())
	done := make(chan struct{}, 2)
	finished := make(chan struct{})
	var once sync.Once
	closeBoth := func() { once.Do(func() { tcp.Close(); ws.Close() }) }
	copyOne := func(dst io.Writer, src io.Reader, n *int64) {
		buf := make([]byte, 256<<10)
		for {
			k, err := src.Read(buf)
			if k > 0 {
				last.Store(clk.Now().UnixNano())
				if _, werr := dst.Write(buf[:k]); werr != nil {
					break
				}
				*n += int64(k)
			}
			if err != nil {
				break
			}
		}
		closeBoth()
		done <- struct{}{}
	}
	go copyOne(tcp, ws, &in)
	go copyOne(ws, tcp, &out)
	var idled atomic.Bool
	go func() {
		wait := idle
		for {
			select {
			case <-finished:
				return
			case <-clk.After(wait):
			}
			quiet := clk.Now().Sub(time.Unix(0, last.Load()))
			if quiet >= idle {
				idled.Store(true)
				closeBoth()
				return
			}
			wait = idle - quiet
		}
	}()
	stop := context.AfterFunc(ctx, closeBoth)
	defer stop()
	<-done
	<-done
	close(finished)
	return in, out, idled.Load()
}
