package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/edge-setup/edge-setup/tenantapi"
	wire "github.com/edge-setup/edge-setup/tenantapi/remoteaccess"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// The cost of remote access: tenantsim behind a latency proxy (the
// round trip on the wire, both for the client and for the Edge), the real
// relay (`edge-setup remote-access serve`, a child process whose CPU is
// read from /proc), a banner-and-echo TCP server standing in for sshd.

type raBenchConfig struct {
	Sessions   int           // sequential sessions timed to the first byte
	RTT        time.Duration // simulated round trip
	Bytes      int64         // transfer size
	Concurrent int           // sessions at once
	Dir        string
}

type raBenchResult struct {
	FirstByte      []time.Duration
	TunnelTransfer time.Duration
	DirectTransfer time.Duration
	RelayCPU       time.Duration // downloading Bytes in 64 KiB messages
	// DirectFirstByte: a TCP connection to the same sshd through a proxy
	// with the same RTT, dial to first byte.
	DirectFirstByte []time.Duration
	// UploadCPU: relay CPU (session processes included) for Bytes sent by
	// the client in 64 KiB and in 1 KiB messages (go-c8y-cli's shape).
	Upload64K, Upload1K       time.Duration
	Upload64KCPU, Upload1KCPU time.Duration
	// SessionCPU: relay CPU of one session that carries only the banner
	// (mean of sessionSamples): the fixed cost in the per-MiB figures.
	SessionCPU     time.Duration
	Concurrent     int
	Dropped        int
	ConcurrentWall time.Duration
	Bytes          int64
	RTT            time.Duration
}

const (
	benchAdmin, benchAdminPw = "bench", "bench-Passw0rd"
	raBenchTenant            = "t900"
	benchBanner              = "SSH-2.0-BenchSSHD\r\n"
	sessionSamples           = 5
)

func runRemoteAccess(ctx context.Context, cfg raBenchConfig, progress func(string)) (*raBenchResult, error) {
	res := &raBenchResult{Bytes: cfg.Bytes, RTT: cfg.RTT}
	mod, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(cfg.Dir, "edge-setup")
	if err := goBuild(mod, bin); err != nil {
		return nil, err
	}
	sim := tenantsim.New(tenantsim.Options{TenantID: raBenchTenant, NotificationHold: 20 * time.Second,
		Users: []tenantsim.User{{Name: benchAdmin, Password: benchAdminPw, Roles: tenantsim.AllRoles()}}})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	lat, err := startLatencyProxy(strings.TrimPrefix(srv.URL, "http://"), cfg.RTT)
	if err != nil {
		return nil, err
	}
	defer lat.close()
	url := "http://" + lat.addr()
	sshd, err := startBenchSSHD(cfg.Bytes)
	if err != nil {
		return nil, err
	}
	defer sshd.Close()
	dev := sim.RegisterDevice("bench-edge", nil)
	client, err := tenantapi.New(tenantapi.Options{BaseURL: url, Timeout: 30 * time.Second})
	if err != nil {
		return nil, err
	}
	admin := tenantapi.Credentials{Tenant: raBenchTenant, User: benchAdmin, Password: benchAdminPw}
	host, portS, _ := net.SplitHostPort(sshd.Addr().String())
	port, _ := strconv.Atoi(portS)
	pt, err := client.CreateRemoteAccessConfig(ctx, admin, dev.ManagedObjectID, tenantapi.RemoteAccessConfig{
		Name: "bench", Hostname: host, Port: port, Protocol: "PASSTHROUGH", CredentialsType: "NONE"})
	if err != nil {
		return nil, err
	}
	relay, err := startRelayProcess(ctx, bin, filepath.Join(cfg.Dir, "root"), url, dev, sshd.Addr().String())
	if err != nil {
		return nil, err
	}
	defer relay.stop()

	progress(fmt.Sprintf("remote access: %d sessions to the first sshd byte at %v RTT", cfg.Sessions, cfg.RTT))
	for range cfg.Sessions {
		start := time.Now()
		c, err := wire.DialClient(ctx, client, admin, dev.ManagedObjectID, pt.ID)
		if err != nil {
			return nil, fmt.Errorf("opening a session: %w", err)
		}
		one := make([]byte, 1)
		if _, err := io.ReadFull(c, one); err != nil {
			c.Close()
			return nil, fmt.Errorf("no first byte through the tunnel: %w", err)
		}
		res.FirstByte = append(res.FirstByte, time.Since(start))
		c.Close()
	}

	if res.DirectFirstByte, err = directFirstBytes(sshd.Addr().String(), cfg.RTT, cfg.Sessions); err != nil {
		return nil, err
	}

	progress(fmt.Sprintf("remote access: %d MiB through the tunnel and over direct loopback TCP", cfg.Bytes>>20))
	lat.setRTT(0) // throughput is about the relay, not the distance
	res.DirectTransfer, err = download(func() (net.Conn, error) { return net.Dial("tcp", sshd.Addr().String()) }, cfg.Bytes)
	if err != nil {
		return nil, fmt.Errorf("direct transfer: %w", err)
	}
	dial := func() (net.Conn, error) { return wire.DialClient(ctx, client, admin, dev.ManagedObjectID, pt.ID) }
	res.RelayCPU, err = relay.cpuOf(func() (err error) { res.TunnelTransfer, err = download(dial, cfg.Bytes); return err })
	if err != nil {
		return nil, fmt.Errorf("transfer through the tunnel: %w", err)
	}
	for range sessionSamples {
		cpu, err := relay.cpuOf(func() error {
			c, err := dial()
			if err != nil {
				return err
			}
			defer c.Close()
			_, err = bufio.NewReader(c).ReadString('\n')
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("a session carrying only the banner: %w", err)
		}
		res.SessionCPU += cpu / sessionSamples
	}
	progress("remote access: uploads in 64 KiB and 1 KiB messages")
	if res.Upload64KCPU, err = relay.cpuOf(func() (err error) { res.Upload64K, err = upload(dial, cfg.Bytes, 64<<10); return err }); err != nil {
		return nil, fmt.Errorf("upload in 64 KiB messages: %w", err)
	}
	if res.Upload1KCPU, err = relay.cpuOf(func() (err error) { res.Upload1K, err = upload(dial, cfg.Bytes, 1<<10); return err }); err != nil {
		return nil, fmt.Errorf("upload in 1 KiB messages: %w", err)
	}

	progress(fmt.Sprintf("remote access: %d sessions at once at %v RTT", cfg.Concurrent, cfg.RTT))
	lat.setRTT(cfg.RTT)
	res.Concurrent = cfg.Concurrent
	start := time.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	for range cfg.Concurrent {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := echoSession(ctx, client, admin, dev.ManagedObjectID, pt.ID); err != nil {
				mu.Lock()
				res.Dropped++
				mu.Unlock()
				progress("dropped: " + err.Error())
			}
		}()
	}
	wg.Wait()
	res.ConcurrentWall = time.Since(start)
	return res, nil
}

// download reads the banner, asks for the payload and times it.
func download(dial func() (net.Conn, error), n int64) (time.Duration, error) {
	c, err := dial()
	if err != nil {
		return 0, err
	}
	defer c.Close()
	br := bufio.NewReaderSize(c, 256<<10)
	if _, err := br.ReadString('\n'); err != nil {
		return 0, err
	}
	start := time.Now()
	if _, err := c.Write([]byte{'D'}); err != nil {
		return 0, err
	}
	got, err := io.CopyN(io.Discard, br, n)
	if err != nil || got != n {
		return 0, fmt.Errorf("%d of %d bytes: %v", got, n, err)
	}
	return time.Since(start), nil
}

// echoSession sends 16 KiB and expects it back, within a minute.
func echoSession(ctx context.Context, c *tenantapi.Client, user tenantapi.Credentials, moID, cfgID string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	conn, err := wire.DialClient(ctx, c, user, moID, cfgID)
	if err != nil {
		return err
	}
	defer conn.Close()
	br := bufio.NewReader(conn)
	if _, err := br.ReadString('\n'); err != nil {
		return fmt.Errorf("banner: %w", err)
	}
	msg := make([]byte, 16<<10)
	_, _ = rand.Read(msg)
	msg[0] = 'E'
	go func() { _, _ = conn.Write(msg) }()
	back := make([]byte, len(msg))
	if _, err := io.ReadFull(br, back); err != nil {
		return fmt.Errorf("echo: %w", err)
	}
	if !bytes.Equal(back, msg) {
		return fmt.Errorf("the echo differs")
	}
	return nil
}
