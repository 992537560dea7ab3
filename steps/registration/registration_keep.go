package registration

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/system"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// The tenant hands a device its credentials once (POST
// /devicecontrol/deviceCredentials answers them to the first poll after the
// acceptance and then removes the request). This file keeps them from being
// lost: they are stored the moment they arrive and kept in memory until the
// store succeeds; credentials another program (the Edge agent, polling with
// the same bootstrap user) stored are noticed; and a request that vanished
// after its acceptance without the credentials reaching us is said to be
// lost instead of being waited for forever.

// ErrCredentialsLost: the tenant issued the device credentials but they did
// not reach edge-setup (another poller took them, or the answer broke off).
// Waiting cannot help: the request has to be registered again.
var ErrCredentialsLost = errors.New("the tenant issued the credentials but they did not arrive")

// lostAfterPolls is how many "not yet" answers after a known acceptance
// make the credentials lost. One could be a tenant that shows the
// acceptance a moment before it serves it (a guess: the reference does not
// say); two polls apart are not.
const lostAfterPolls = 2

// credKeeper is the registration's memory of the credentials (see above).
type credKeeper struct {
	mu sync.Mutex
	// received are credentials the tenant issued that are not stored yet.
	received *tenantapi.DeviceCredentials
	// accepted: the request is known to be accepted (the tenant user saw
	// ACCEPTED, this console accepted it, or a success answer to the poll
	// broke off); notYet counts the "not accepted yet" answers since.
	accepted, cutOff bool
	notYet           int
	// sawPending: the tenant user saw the request waiting or pending.
	sawPending bool
	// refused is the password of stored credentials the tenant refused:
	// they are not "new credentials by another hand".
	refused string
}

func (k *credKeeper) markAccepted() {
	k.mu.Lock()
	k.accepted, k.notYet = true, 0
	k.mu.Unlock()
}

// keep stores dc before anything else happens; on failure they stay in
// memory and Complete (or the next poll) stores them again.
func (r *Registration) keep(dc *tenantapi.DeviceCredentials) error {
	r.keeper.mu.Lock()
	r.keeper.received = dc
	r.keeper.mu.Unlock()
	return r.storeReceived()
}

// storeReceived writes the credentials kept in memory, if any.
func (r *Registration) storeReceived() error {
	r.keeper.mu.Lock()
	dc := r.keeper.received
	r.keeper.mu.Unlock()
	if dc == nil {
		return nil
	}
	stored := edgeprops.Credentials{Tenant: dc.TenantID, Username: dc.Username, Password: dc.Password, URL: r.URL}
	if err := r.Env.Props.SaveCredentials(stored); err != nil {
		return &storeError{err: err}
	}
	r.keeper.mu.Lock()
	if r.keeper.received == dc {
		r.keeper.received = nil
	}
	r.keeper.mu.Unlock()
	return nil
}

// pending returns credentials received but not stored yet.
func (r *Registration) pending() *tenantapi.DeviceCredentials {
	r.keeper.mu.Lock()
	defer r.keeper.mu.Unlock()
	return r.keeper.received
}

// storeError is a failed store of received credentials: they are kept in
// memory and the store is retried (tenantapi.Retryable says yes).
type storeError struct{ err error }

func (e *storeError) Error() string {
	return "the device was accepted but its credentials could not be stored: " + e.err.Error() +
		"; edge-setup keeps them in memory and tries again (do not quit until they are stored: the tenant issues them only once)"
}
func (e *storeError) Unwrap() error    { return e.err }
func (e *storeError) RetryLater() bool { return true }

// storedByOther returns credentials for this tenant that appeared in
// credentials.properties while waiting (written by another program, such as
// the Edge agent that polls with the same bootstrap user) and that the
// tenant accepts; nil when there are none or they do not work.
func (r *Registration) storedByOther(ctx context.Context) *tenantapi.DeviceCredentials {
	creds, ok, err := r.Env.Props.LoadCredentials()
	if err != nil || !ok || (creds.URL != "" && !system.SameHost(creds.URL, r.URL)) {
		return nil
	}
	r.keeper.mu.Lock()
	refused := r.keeper.refused
	r.keeper.mu.Unlock()
	if creds.Password == refused {
		return nil
	}
	dev := tenantapi.Credentials{Tenant: creds.Tenant, User: creds.Username, Password: creds.Password}
	if _, err := r.Client.CurrentTenant(ctx, dev); err != nil {
		if errors.Is(err, tenantapi.ErrUnauthorized) || errors.Is(err, tenantapi.ErrForbidden) {
			r.refuseStored(creds.Password)
		}
		return nil // refused, or the tenant could not be asked: keep polling
	}
	return &tenantapi.DeviceCredentials{ID: r.DeviceID, TenantID: creds.Tenant, Username: creds.Username, Password: creds.Password}
}

func (r *Registration) refuseStored(password string) {
	r.keeper.mu.Lock()
	r.keeper.refused = password
	r.keeper.mu.Unlock()
}

// observeTenant records what the tenant user saw of the request: exists
// and its wire status. It returns a warning when a request seen waiting
// or pending is gone.
func (r *Registration) observeTenant(exists bool, wire string) error {
	k := &r.keeper
	k.mu.Lock()
	defer k.mu.Unlock()
	switch {
	case exists && wire == tenantapi.StatusAccepted:
		if !k.accepted {
			k.accepted, k.notYet = true, 0
		}
	case exists:
		k.sawPending = true
	case k.sawPending && !k.accepted:
		k.sawPending = false
		return errors.New("the registration request is gone from the tenant: it was deleted there, or it was accepted and another program " +
			"using the same bootstrap user (such as the Edge agent) fetched the credentials, which the tenant issues only once; " +
			"if " + edgeprops.CredentialsFile + " does not fill in, register the device again")
	}
	return nil
}

// notYetAfterAcceptance counts a "not accepted yet" answer and returns
// ErrCredentialsLost (explained) once the request is known accepted and the
// tenant keeps saying so.
func (r *Registration) notYetAfterAcceptance() error {
	k := &r.keeper
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.accepted {
		return nil
	}
	k.notYet++
	if k.notYet < lostAfterPolls && !k.cutOff {
		return nil
	}
	how := "another program polling with the same bootstrap user (such as the Edge agent) probably fetched them"
	if k.cutOff {
		how = "the tenant's answer with them broke off on the way"
	}
	todo := "delete the device request and register again"
	if r.Tenant != nil {
		todo += " (this console can do it for you)"
	} else {
		todo += " in Device Management > Registration"
	}
	return fmt.Errorf("%w (%s); %s", ErrCredentialsLost, how, todo)
}

// RegisterAgain starts a lost registration over as the tenant user: it
// deletes the device's request if one is left and creates a new one, so
// that the next acceptance issues new credentials to this console.
func (r *Registration) RegisterAgain(ctx context.Context) error {
	if r.Tenant == nil {
		return errors.New("no tenant user credentials: delete the device request and register it again in Device Management > Registration")
	}
	if err := r.Client.DeleteNewDeviceRequest(ctx, *r.Tenant, r.DeviceID); err != nil && !errors.Is(err, tenantapi.ErrNotFound) {
		return steps.Explain("deleting the old registration request failed", err)
	}
	if err := r.CreateRequest(ctx); err != nil {
		return err
	}
	r.keeper.mu.Lock()
	r.keeper.accepted, r.keeper.cutOff, r.keeper.notYet, r.keeper.sawPending = false, false, 0, false
	r.keeper.mu.Unlock()
	return nil
}
