package demo

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// demoSendInterval: the demo's Edge devices send a measurement this often,
// so data arrives in the cloud within seconds of acceptance.
const demoSendInterval = 3 * time.Second

// startDataBroker gives the demo's Edge platform a few devices that send
// measurements, runs its Data Broker towards the cloud tenant, and lets
// SIGUSR1 stop and start the cloud tenant (to see the CRITICAL alarm).
func (d *Demo) startDataBroker(edge *tenantsim.Sim, bootstrap string) {
	roles := append(tenantsim.AllRoles(), tenantsim.BrokerRoles()...)
	edge.AddUser(tenantsim.User{Name: demoEdgeAdmin, Password: demoEdgeAdminPass, Roles: roles})
	d.sim.AddUser(tenantsim.User{Name: demoUser, Password: demoPassword, Roles: roles})

	group := edge.AddManagedObject(demoEdgeAdmin, map[string]any{"name": "Line 1", "type": "c8y_DeviceGroup", "c8y_IsDeviceGroup": map[string]any{}})
	var devices []string
	for _, name := range []string{"pump-1", "pump-2", "chiller-1"} {
		id := edge.AddManagedObject(demoEdgeAdmin, map[string]any{"name": name, "type": "demo_Device", "c8y_IsDevice": map[string]any{}})
		devices = append(devices, id)
		if name != "chiller-1" {
			_ = edge.AddChild(group, "childAssets", id)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(3)
	go func() { defer wg.Done(); demoDevices(ctx, edge, devices) }()
	go func() { defer wg.Done(); demoAnswerOperations(ctx, edge, devices) }()
	go func() {
		defer wg.Done()
		_ = edge.RunBroker(ctx, tenantsim.BrokerOptions{BootstrapPassword: bootstrap, Interval: time.Second})
	}()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGUSR1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case <-sig:
				d.toggleCloud()
			}
		}
	}()
	d.stops = append(d.stops, func() { signal.Stop(sig); cancel(); wg.Wait() })
	d.cloud = newDemoCloud(d.sim)
	d.bannerNotes = append(d.bannerNotes, fmt.Sprintf("DEMO Data Broker: kill -USR1 %d stops or starts the cloud tenant", os.Getpid()))
	d.notes = append(d.notes, fmt.Sprintf("  Data Broker:     Edge devices pump-1, pump-2 (group Line 1), chiller-1 send measurements every %s and answer operations;\n"+
		"                   on B's link screen o plays the cloud (subscribe, accept, an operation from the cloud);\n"+
		"                   kill -USR1 %d stops or starts the cloud tenant", demoSendInterval, os.Getpid()))
}

// demoDevices sends a temperature per device every demoSendInterval and,
// now and then, an event.
func demoDevices(ctx context.Context, edge *tenantsim.Sim, devices []string) {
	t := time.NewTicker(demoSendInterval)
	defer t.Stop()
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for i, id := range devices {
			v := 20 + 3*math.Sin(float64(n+i*7)/5)
			_, _ = edge.CreateMeasurement(id, "c8y_Temperature", map[string]any{
				"c8y_Temperature": map[string]any{"T": map[string]any{"value": math.Round(v*10) / 10, "unit": "C"}}})
			if n%10 == 0 {
				_, _ = edge.CreateEvent(id, "demo_Heartbeat", "device alive", nil)
			}
		}
	}
}

// toggleCloud stops the cloud tenant's server, or starts it again on the
// same port (its state is kept: it is the same tenantsim).
func (d *Demo) toggleCloud() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cloudDown == nil {
		srv := d.servers[0]
		addr := srv.Addr
		d.cloudDown = &addr
		srv.Close()
		return
	}
	ln, err := net.Listen("tcp", *d.cloudDown)
	if err != nil {
		return // the port is taken meanwhile: the cloud stays down
	}
	srv := &http.Server{Addr: *d.cloudDown, Handler: d.sim, ReadHeaderTimeout: 10 * time.Second}
	d.servers[0] = srv
	d.cloudDown = nil
	go srv.Serve(ln) //nolint:errcheck // ends with Close
}
