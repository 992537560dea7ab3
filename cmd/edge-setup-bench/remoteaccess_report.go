package main

import (
	"fmt"
	"io"
	"time"
)

// aimFirstByte is the aim for client WebSocket to first sshd byte.
const aimFirstByte = time.Second

func (r *report) writeRemoteAccess(w io.Writer) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	ra := r.RemoteAccess
	med, p95 := durations(ra.FirstByte)
	mib := float64(ra.Bytes) / (1 << 20)
	tunnel := mib / ra.TunnelTransfer.Seconds()
	direct := mib / ra.DirectTransfer.Seconds()
	p("#### Remote access\n\n")
	p("tenantsim behind a proxy that delays every byte by half of %v each way (client to tenant and tenant to Edge), the real relay "+
		"(`edge-setup remote-access serve`, a child process, real-time notifications), a TCP server that sends an SSH banner standing in for sshd.\n\n", ra.RTT)
	p("| measure | value | aim |\n|---|--:|---|\n")
	p("| client WebSocket opened to first sshd byte, median (p95) of %d sessions at %v RTT | %s (%s) | under 1 s %s |\n",
		len(ra.FirstByte), ra.RTT, ms(med), ms(p95), mark(p95 < aimFirstByte))
	p("| %.0f MiB through the tunnel (loopback, no added delay) | %s, %.0f MiB/s | |\n", mib, ms(ra.TunnelTransfer), tunnel)
	p("| the same over direct loopback TCP | %s, %.0f MiB/s | |\n", ms(ra.DirectTransfer), direct)
	p("| tunnel throughput / direct | %.2f | |\n", tunnel/direct)
	p("| relay CPU per MiB relayed (utime+stime of the serve process) | %s | |\n", ms(time.Duration(float64(ra.RelayCPU)/mib)))
	p("| %d sessions at once at %v RTT (16 KiB echoed each), dropped | %d, all done in %s | none %s |\n",
		ra.Concurrent, ra.RTT, ra.Dropped, ms(ra.ConcurrentWall), mark(ra.Dropped == 0))
}
