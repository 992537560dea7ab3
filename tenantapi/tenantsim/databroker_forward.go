package tenantsim

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"
)

// BrokerOptions configure the forwarding of this tenant's connectors
// (RunBroker). Zero values get the defaults.
type BrokerOptions struct {
	// BootstrapUser and BootstrapPassword are what a connector polls the
	// destination's deviceCredentials with (tenant "management"). Guess:
	// the reference says only that the source bootstraps like a device.
	BootstrapUser     string // default "devicebootstrap"
	BootstrapPassword string
	Interval          time.Duration // between rounds; default 1s
	RequestTimeout    time.Duration // per request to the destination; default 5s
	MaxBatch          int           // records forwarded per API and connector per round; default 500
	MaxQueue          int           // records kept per API and connector; older ones are dropped (MAJOR alarm); default 10000
	// NoOperations: operations created in the destination are not taken
	// back to this tenant (later Edge releases; databroker_operations.go).
	NoOperations bool
	Transport    http.RoundTripper
}

func (o *BrokerOptions) defaults() {
	if o.BootstrapUser == "" {
		o.BootstrapUser = "devicebootstrap"
	}
	if o.Interval <= 0 {
		o.Interval = time.Second
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 5 * time.Second
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = 500
	}
	if o.MaxQueue <= 0 {
		o.MaxQueue = 10000
	}
}

// brokerLink is what a bootstrapped connector holds of its destination.
// Only the forwarding goroutine touches it after creation.
type brokerLink struct {
	username, password, tenant string
	group                      string            // the destination's virtual group
	remote                     map[string]string // source managed object id -> destination id
	cursor                     map[string]int64  // API -> sequence number forwarded up to
	lastAlarm                  map[string]time.Time
	openAlarm                  map[string]string    // alarm type -> id of the alarm raised and not cleared
	ops                        map[string]*syncedOp // destination operation id -> the one created here
}

// RunBroker forwards what the connectors select to their destinations
// until ctx ends. Only one runs per tenant; a second call returns at once.
func (s *Sim) RunBroker(ctx context.Context, o BrokerOptions) error {
	o.defaults()
	s.mu.Lock()
	if s.broker.running {
		s.mu.Unlock()
		return errors.New("tenantsim: the Data Broker already runs for this tenant")
	}
	s.broker.running = true
	s.mu.Unlock()
	defer func() { s.mu.Lock(); s.broker.running = false; s.mu.Unlock() }()
	f := &forwarder{s: s, o: o, hc: &http.Client{Transport: o.Transport, Timeout: o.RequestTimeout}}
	t := time.NewTicker(o.Interval)
	defer t.Stop()
	for {
		f.round(ctx)
		select {
		case <-ctx.Done():
			f.hc.CloseIdleConnections()
			return nil
		case <-t.C:
		}
	}
}

type forwarder struct {
	s  *Sim
	o  BrokerOptions
	hc *http.Client
}

// snapshot is a connector's state read under the lock.
type snapshot struct {
	id, code, name, description, instance, status, dest string
	filters                                             []any
	link                                                *brokerLink
}

func (f *forwarder) round(ctx context.Context) {
	f.s.mu.Lock()
	var snaps []snapshot
	for _, c := range f.s.broker.connectors {
		snaps = append(snaps, snapshot{id: c.id, code: c.code, name: c.name, description: c.description, instance: c.instanceURL,
			status: c.status, dest: c.destStatus, filters: deepCopySlice(c.filters), link: c.link})
	}
	f.s.mu.Unlock()
	slices.SortFunc(snaps, func(a, b snapshot) int { return byNumber(a.id, b.id) })
	for _, c := range snaps {
		if ctx.Err() != nil {
			return
		}
		f.step(ctx, c)
	}
}

// step moves one connector on by one round.
func (f *forwarder) step(ctx context.Context, c snapshot) {
	switch {
	case c.status == ConnectorSuspended:
		return
	case c.link == nil:
		link, err := f.bootstrap(ctx, c)
		if err != nil || link == nil {
			return
		}
		f.update(c.id, func(k *connector) { k.link, k.status, k.destStatus = link, ConnectorActivating, ConnectorActive })
		c.link, c.status = link, ConnectorActivating // and on in this round
	}
	err := f.checkDestination(ctx, c)
	if err == nil && c.status == ConnectorActivating {
		err = f.syncInventory(ctx, c)
		if err == nil {
			f.update(c.id, func(k *connector) { k.status, k.lastSync = ConnectorActive, f.s.now() })
			c.status = ConnectorActive
		}
	}
	if err == nil && c.status == ConnectorActive {
		var n int
		n, err = f.forwardData(ctx, c)
		if err == nil && n > 0 {
			f.update(c.id, func(k *connector) { k.lastSync = f.s.now() })
		}
		if err == nil {
			err = f.syncOperations(ctx, c)
		}
	}
	switch {
	case err == nil:
		f.update(c.id, func(k *connector) { k.destStatus = ConnectorActive })
		f.clear(c, alarmUnreachable)
	case errors.Is(err, errDestinationRefused):
		f.update(c.id, func(k *connector) { k.destStatus = ConnectorSuspended })
	case ctx.Err() == nil:
		f.raise(c, SeverityCritical, alarmUnreachable,
			"Data Broker connector '"+c.name+"' cannot reach "+c.instance+" ("+err.Error()+"); the data is kept until it can.")
	}
}

// update applies fn to the connector if it still exists.
func (f *forwarder) update(id string, fn func(*connector)) {
	f.s.mu.Lock()
	defer f.s.mu.Unlock()
	if k := f.s.broker.connectors[id]; k != nil {
		fn(k)
	}
}

// bootstrap polls the destination's deviceCredentials with the security
// code; nil, nil while the subscription is not accepted.
func (f *forwarder) bootstrap(ctx context.Context, c snapshot) (*brokerLink, error) {
	body := map[string]any{"id": c.code, brokerSourceFrag: map[string]any{
		"connectorName": c.name, "connectorDescription": c.description, "domain": f.s.opts.DomainName}}
	var out struct{ TenantID, Username, Password string }
	status, err := f.send(ctx, http.MethodPost, c.instance+"/devicecontrol/deviceCredentials",
		"management/"+f.o.BootstrapUser, f.o.BootstrapPassword, "deviceCredentials", body, &out)
	if err != nil || status == http.StatusNotFound || out.Username == "" {
		return nil, err
	}
	f.s.mu.Lock()
	cur := f.s.seq
	f.s.mu.Unlock()
	link := &brokerLink{username: out.Username, password: out.Password, tenant: out.TenantID,
		remote: map[string]string{}, cursor: map[string]int64{}, lastAlarm: map[string]time.Time{}, openAlarm: map[string]string{},
		ops: map[string]*syncedOp{}}
	for _, api := range []string{"alarm", "event", "measurement"} {
		link.cursor[api] = cur // forwarding starts with what comes after the link
	}
	return link, nil
}

// remoteID is the destination's managed object for a source one, created
// (under the virtual group) when first needed.
func (f *forwarder) remoteID(ctx context.Context, c snapshot, srcID string, copyFrags []string) (string, error) {
	if id := c.link.remote[srcID]; id != "" {
		return id, nil
	}
	f.s.mu.Lock()
	mo := deepCopy(f.s.mos[srcID])
	f.s.mu.Unlock()
	if mo == nil {
		return "", nil // deleted meanwhile: nothing to forward for it
	}
	body := copyFragments(mo, copyFrags, "name", "type", "c8y_IsDevice")
	for _, k := range append(slices.Clone(systemFields), "childAssets", "childDevices", "assetParents", "deviceParents") {
		delete(body, k)
	}
	var out struct {
		ID string `json:"id"`
	}
	if _, err := f.sendAs(ctx, c.link, http.MethodPost, c.instance+"/inventory/managedObjects", "", body, &out); err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", errors.New("the destination created no managed object")
	}
	if c.link.group != "" {
		ref := map[string]any{"managedObject": map[string]any{"id": out.ID}}
		if _, err := f.sendAs(ctx, c.link, http.MethodPost, c.instance+"/inventory/managedObjects/"+c.link.group+"/childAssets", "", ref, nil); err != nil {
			return "", err
		}
	}
	c.link.remote[srcID] = out.ID
	return out.ID, nil
}

// syncInventory forwards the devices the managedObject filters select.
func (f *forwarder) syncInventory(ctx context.Context, c snapshot) error {
	type pick struct {
		id    string
		frags []string
	}
	var picks []pick
	f.s.mu.Lock()
	for _, fv := range decodeFilters(c.filters) {
		if !fv.has("managedObject") {
			continue
		}
		for id, mo := range f.s.mos {
			if _, dev := mo["c8y_IsDevice"]; dev && f.s.selectsLocked(fv, id, mo) {
				picks = append(picks, pick{id, fv.fragsCpy})
			}
		}
	}
	f.s.mu.Unlock()
	slices.SortFunc(picks, func(a, b pick) int { return byNumber(a.id, b.id) })
	for _, p := range picks {
		if _, err := f.remoteID(ctx, c, p.id, p.frags); err != nil {
			return err
		}
	}
	return nil
}
