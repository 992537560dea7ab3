package main

import (
	"fmt"
	"io"
	"time"
)

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
	p("| client WebSocket opened to first sshd byte, median (p95) of %d sessions at %v RTT | %s (%s) | ≤ 3 RTT + 20 ms = %s %s |\n",
		len(ra.FirstByte), ra.RTT, ms(med), ms(p95), ms(3*ra.RTT+20*time.Millisecond), mark(med <= 3*ra.RTT+20*time.Millisecond))
	dmed, _ := durations(ra.DirectFirstByte)
	p("| direct TCP to the same sshd through the same simulated link, dial to first byte, median | %s | |\n", ms(dmed))
	p("| %.0f MiB through the tunnel (loopback, no added delay) | %s, %.0f MiB/s | |\n", mib, ms(ra.TunnelTransfer), tunnel)
	p("| the same over direct loopback TCP | %s, %.0f MiB/s | |\n", ms(ra.DirectTransfer), direct)
	p("| tunnel throughput / direct | %.2f | |\n", tunnel/direct)
	// Each figure also net of one session's fixed cost (its process, dials and status updates).
	perMiB := func(d time.Duration) string {
		return fmt.Sprintf("%.2f ms (%.2f ms net)", float64(d.Microseconds())/1000/mib, float64((d-ra.SessionCPU).Microseconds())/1000/mib)
	}
	p("| relay CPU of one session carrying only the banner (process start, dials, status updates), mean of %d | %s | |\n", sessionSamples, ms(ra.SessionCPU))
	p("| relay CPU per MiB, download in 64 KiB messages (serve and its session process, utime+stime) | %s | |\n", perMiB(ra.RelayCPU))
	p("| relay CPU per MiB, upload in 64 KiB messages (%.0f MiB/s) | %s | ≤ 0.5 ms %s |\n", mib/ra.Upload64K.Seconds(), perMiB(ra.Upload64KCPU), mark(ra.Upload64KCPU.Seconds()*1000/mib <= 0.5))
	p("| relay CPU per MiB, upload in 1 KiB messages, go-c8y-cli's shape (%.0f MiB/s) | %s | ≤ 2 ms %s |\n", mib/ra.Upload1K.Seconds(), perMiB(ra.Upload1KCPU), mark(ra.Upload1KCPU.Seconds()*1000/mib <= 2))
	p("| %d sessions at once at %v RTT (16 KiB echoed each), dropped | %d, all done in %s | none %s |\n",
		ra.Concurrent, ra.RTT, ra.Dropped, ms(ra.ConcurrentWall), mark(ra.Dropped == 0))
}
