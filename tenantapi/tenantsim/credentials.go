package tenantsim

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"strings"
)

type issuedCreds struct{ username, password string }

const credsType = "deviceCredentials"

// POST /devicecontrol/deviceCredentials, by the bootstrap user only.
// 404 until the request is accepted (the first poll moves it from
// WAITING_FOR_CONNECTION to PENDING_ACCEPTANCE); once accepted, 200 (or
// 201, Options.DeviceCredentialsCreated) with the device user's
// credentials, handed out once.
func (s *Sim) handleDeviceCredentials(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeMethodNotAllowed(w, r, http.MethodPost)
		return
	}
	p := s.authenticate(w, r)
	if p == nil {
		return
	}
	if !p.bootstrap {
		writeForbidden(w)
		return
	}
	var in map[string]any
	if !readBody(w, r, credsType, &in) {
		return
	}
	id := strings.TrimSpace(str(in, "id"))
	if id == "" {
		writeValidation(w, "id: may not be null.")
		return
	}
	s.mu.Lock()
	d := s.requests[id]
	if d == nil || d.status != StatusAccepted {
		if d != nil {
			if d.status == StatusWaiting {
				d.status = StatusPending
			}
			if tok := str(in, "securityToken"); tok != "" && d.deviceToken == "" {
				d.deviceToken = tok
			}
			s.brokerPollLocked(d, in)
		}
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, "devicecontrol/Not Found",
			fmt.Sprintf("Finding device data from database failed : No deviceCredentials for id '%s'!", id))
		return
	}
	creds := issuedCreds{username: "device_" + id, password: newPassword()}
	if d.typ == brokerRequestType {
		creds.username = s.brokerAcceptedLocked(d)
	}
	s.users[creds.username] = &account{name: creds.username, password: creds.password, deviceID: id}
	s.issued[id] = creds
	// The request is removed once its credentials are handed out: a second
	// poll gets 404 as if the device had never been registered. Fact for
	// the one-time hand-out (the reference: "handed out once"; the device
	// list in the UI no longer shows the request after the device
	// connected); that the removal happens at this very poll, not later,
	// is a guess the reference does not settle. Both a second poller and
	// an answer cut off on the way therefore lose the credentials for good.
	delete(s.requests, id)
	s.mu.Unlock()
	status := http.StatusOK
	if s.opts.DeviceCredentialsCreated {
		status = http.StatusCreated
	}
	writeJSON(w, r, status, credsType, map[string]any{
		"id": id, "tenantId": s.opts.TenantID, "username": creds.username, "password": creds.password,
		"self": selfURL(r, "/devicecontrol/deviceCredentials/"+id),
	})
}

// newPassword is a random device password.
func newPassword() string { return rand.Text()[:20] }

// DeviceCredentialsIssued reports the credentials handed to the device, if
// any were.
func (s *Sim) DeviceCredentialsIssued(deviceID string) (username, password string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.issued[deviceID]
	return c.username, c.password, ok
}

// RevokeDeviceUser deletes the device's user: its later requests get 401.
func (s *Sim) RevokeDeviceUser(deviceID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.users, "device_"+deviceID)
}
