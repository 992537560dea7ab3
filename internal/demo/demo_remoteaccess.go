package demo

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps/clock"
	"github.com/edge-setup/edge-setup/steps/remoteaccess"
	"github.com/edge-setup/edge-setup/tenantapi"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// demoRemoteAccess is the demo's remote access: the SSH server, the relay
// (started once the Edge is connected) and the switches that break one
// link at a time (sshd, relay, role, service) to see each failure named.
type demoRemoteAccess struct {
	d       *Demo
	sshd    *demoSSHD
	control string // URL of the switches

	mu          sync.Mutex
	relayOn     bool
	stopRelay   context.CancelFunc
	relayDone   chan struct{}
	roleOn      bool
	serviceOn   bool
	cancelDemo  context.CancelFunc
	relayCtx    context.Context
	relayLogPth string
}

// startRemoteAccess is the demo's one call: sshd, relay, switches.
func (d *Demo) startRemoteAccess() error {
	if err := seedDemoUser(d.root); err != nil {
		return err
	}
	sshd, err := startDemoSSHD(d.root)
	if err != nil {
		return err
	}
	ra := &demoRemoteAccess{d: d, sshd: sshd, roleOn: true, serviceOn: true,
		relayLogPth: filepath.Join(d.root, "var/log/edge-setup-remote-access.log")}
	ra.relayCtx, ra.cancelDemo = context.WithCancel(context.Background())
	_, port, _ := net.SplitHostPort(sshd.addr)
	// The defaults of option S: this demo's sshd, its user.
	store := edgeprops.New(d.root)
	var st remoteaccess.State
	if ok, _ := store.ReadState(remoteaccess.StateName, &st); !ok {
		p, _ := strconv.Atoi(port)
		_ = store.WriteState(remoteaccess.StateName, remoteaccess.State{Host: "127.0.0.1", Port: p, SSHUser: demoSSHUser})
	}
	ctl, err := d.serve(http.HandlerFunc(ra.handleSwitch))
	if err != nil {
		sshd.Stop()
		return err
	}
	ra.control = ctl
	// The intro is hidden by the full screen: the same lines wait in the
	// sandbox next to the demo's other files.
	help := "Remote access in the edge-setup demo\n\n" + ra.introLines() + "\nRelay log: /var/log/edge-setup-remote-access.log (under the sandbox root)\n"
	if err := edgeprops.WriteFileUnder(d.root, filepath.Join(d.root, demoFilesDir, "remote-access.txt"), []byte(help), 0o644); err != nil {
		sshd.Stop()
		return err
	}
	ra.setRelay(true)
	d.remoteAccess = ra
	d.stops = append(d.stops, func() {
		ra.setRelay(false)
		ra.cancelDemo()
		sshd.Stop()
	})
	return nil
}

// seedDemoUser gives the sandbox an /etc/passwd with root and the demo user.
func seedDemoUser(root string) error {
	path := filepath.Join(root, "etc/passwd")
	r := edgeprops.NewRoot(root)
	if _, err := r.Lstat(path); err == nil {
		return nil
	}
	passwd := "root:x:0:0:root:/root:/bin/bash\n" +
		"sshd:x:110:65534::/run/sshd:/usr/sbin/nologin\n" +
		demoSSHUser + ":x:1000:1000:Demo user:/home/" + demoSSHUser + ":/bin/bash\n"
	home, err := r.MkdirAll(filepath.Join(root, "home", demoSSHUser), 0o755)
	if err != nil {
		return err
	}
	_ = home.Close()
	return r.WriteFile(path, []byte(passwd), 0o644)
}

// setRelay starts or stops the demo's relay.
func (ra *demoRemoteAccess) setRelay(on bool) {
	ra.mu.Lock()
	defer ra.mu.Unlock()
	if on == ra.relayOn && (on == (ra.stopRelay != nil)) {
		return
	}
	ra.relayOn = on
	if !on {
		if ra.stopRelay != nil {
			ra.stopRelay()
			done := ra.relayDone
			ra.stopRelay, ra.relayDone = nil, nil
			ra.mu.Unlock()
			<-done
			ra.mu.Lock()
		}
		return
	}
	ctx, cancel := context.WithCancel(ra.relayCtx)
	done := make(chan struct{})
	ra.stopRelay, ra.relayDone = cancel, done
	go func() {
		defer close(done)
		ra.runRelay(ctx)
	}()
}

// runRelay waits for the Edge to be connected, then relays; it starts
// again when the relay stops by itself (credentials replaced, say).
func (ra *demoRemoteAccess) runRelay(ctx context.Context) {
	var mu sync.Mutex
	var logf *os.File
	logf, _ = edgeprops.OpenAppendUnder(ra.d.root, ra.relayLogPth, 0o600)
	if logf != nil {
		defer logf.Close()
	}
	log := func(l string) {
		mu.Lock()
		defer mu.Unlock()
		if logf != nil {
			fmt.Fprintf(logf, "%s %s\n", time.Now().UTC().Format(time.RFC3339), l)
		}
	}
	store := edgeprops.New(ra.d.root)
	newClient := func(u string) (*tenantapi.Client, error) {
		return tenantapi.New(tenantapi.Options{BaseURL: u, UserAgent: "edge-setup-demo-relay/" + ra.d.version})
	}
	for ctx.Err() == nil {
		if _, err := remoteaccess.StoredEdge(store); err != nil {
			_ = clock.Sleep(ctx, time.Second) // not connected yet: option 7 first
			continue
		}
		err := remoteaccess.RunRelay(ctx, remoteaccess.ServeOptions{Props: store, NewClient: newClient, Log: log, Poll: 2 * time.Second,
			Ready: func(e *remoteaccess.Edge, how string) {
				log("relay ready for managed object " + e.MOID + " through " + how)
			}})
		if err != nil {
			log("relay stopped: " + err.Error())
		}
		_ = clock.Sleep(ctx, time.Second)
	}
}

// handleSwitch: POST /?sshd=off|on&relay=off|on&role=off|on&service=off|on;
// GET shows the state.
func (ra *demoRemoteAccess) handleSwitch(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		for k, vs := range r.URL.Query() {
			on := len(vs) > 0 && (vs[0] == "on" || vs[0] == "true" || vs[0] == "1")
			switch k {
			case "sshd":
				if on {
					_ = ra.sshd.Start()
				} else {
					ra.sshd.Stop()
				}
			case "relay":
				ra.setRelay(on)
			case "role":
				ra.setRole(on)
			case "service":
				ra.mu.Lock()
				ra.serviceOn = on
				ra.mu.Unlock()
				ra.d.sim.SetRemoteAccessSubscribed(on)
			default:
				http.Error(w, "unknown switch "+k+": use sshd, relay, role or service", http.StatusBadRequest)
				return
			}
		}
	}
	ra.mu.Lock()
	state := fmt.Sprintf("sshd=%s relay=%s role=%s service=%s\n", onOff(ra.sshd.Running()), onOff(ra.relayOn), onOff(ra.roleOn), onOff(ra.serviceOn))
	ra.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte(state))
}

// setRole gives or takes ROLE_REMOTE_ACCESS_ADMIN from the demo tenant user.
func (ra *demoRemoteAccess) setRole(on bool) {
	roles := tenantsim.AllRoles()
	if !on {
		var kept []string
		for _, r := range roles {
			if r != tenantsim.RoleRemoteAccessAdmin {
				kept = append(kept, r)
			}
		}
		roles = kept
	}
	ra.d.sim.SetUserRoles(demoUser, roles)
	ra.mu.Lock()
	ra.roleOn = on
	ra.mu.Unlock()
}

// introLines are the demo intro's remote access lines.
func (ra *demoRemoteAccess) introLines() string {
	var b strings.Builder
	fmt.Fprintf(&b, "  demo sshd:       %s, user %s / %s (option S)\n", ra.sshd.addr, demoSSHUser, demoSSHPassword)
	fmt.Fprintf(&b, "  break a link:    curl -X POST '%s/?sshd=off'\n", ra.control)
	b.WriteString("                   (or relay, role, service; =on repairs it)\n")
	fmt.Fprintf(&b, "  real ssh:        C8Y_USER=%s C8Y_PASSWORD=%s \\\n", demoUser, demoPassword)
	fmt.Fprintf(&b, "                   edge-setup --root %s remote-access connect\n", ra.d.root)
	return b.String()
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
