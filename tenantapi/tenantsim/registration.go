package tenantsim

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Registration statuses on the wire.
const (
	StatusWaiting  = "WAITING_FOR_CONNECTION"
	StatusPending  = "PENDING_ACCEPTANCE"
	StatusAccepted = "ACCEPTED"
	StatusBlocked  = "BLOCKED" // after maxTokenFailures security-token mismatches
)

const maxTokenFailures = 3

// deviceRequest is one entry of /devicecontrol/newDeviceRequests.
type deviceRequest struct {
	id, status, owner, created string
	tenant                     string
	groupID, typ               string
	deviceToken                string // securityToken the device sent when polling
	tokenFailures              int
	custom                     map[string]any // customProperties (a data subscription's c8y_BrokerSource)
	order                      int64
}

func (d *deviceRequest) body(r *http.Request) map[string]any {
	m := map[string]any{
		"id": d.id, "status": d.status, "owner": d.owner, "creationTime": d.created, "tenantId": d.tenant,
		"self": selfURL(r, "/devicecontrol/newDeviceRequests/"+d.id),
	}
	if d.groupID != "" {
		m["groupId"] = d.groupID
	}
	if d.typ != "" {
		m["type"] = d.typ
	}
	if d.custom != nil {
		m["customProperties"] = deepCopy(d.custom)
	}
	return m
}

const ndrType = "newDeviceRequest"

// /devicecontrol/newDeviceRequests: GET (list), POST (register a device).
func (s *Sim) handleNewDeviceRequests(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		if s.userWith(w, r, RoleDeviceControlRead) == nil || !checkAccept(w, r, ndrType+"Collection") {
			return
		}
		cur, size, ok := page(w, r)
		if !ok {
			return
		}
		s.mu.Lock()
		list := make([]*deviceRequest, 0, len(s.requests))
		for _, d := range s.requests {
			list = append(list, d)
		}
		slices.SortFunc(list, func(a, b *deviceRequest) int { return cmp.Compare(a.order, b.order) })
		items := make([]map[string]any, 0, len(list))
		for _, d := range list {
			items = append(items, d.body(r))
		}
		s.mu.Unlock()
		writeJSON(w, r, http.StatusOK, ndrType+"Collection", collection(r, "newDeviceRequests", items, cur, size))
	case http.MethodPost:
		a := s.userWith(w, r, RoleDeviceControlAdmin)
		if a == nil {
			return
		}
		var in map[string]any
		if !readBody(w, r, ndrType, &in) {
			return
		}
		id := strings.TrimSpace(str(in, "id"))
		if id == "" {
			writeValidation(w, "id: may not be null; give the device's ID (usually its serial number).")
			return
		}
		d, err := s.createRequest(id, a.name, str(in, "groupId"), str(in, "type"))
		if err != nil {
			writeError(w, http.StatusConflict, "devicecontrol/Duplicate", "A device request for '"+id+"' already exists.")
			return
		}
		w.Header().Set("Location", selfURL(r, "/devicecontrol/newDeviceRequests/"+id))
		writeJSON(w, r, http.StatusCreated, ndrType, s.locked(func() any { return d.body(r) }))
	default:
		writeMethodNotAllowed(w, r, http.MethodGet, http.MethodPost)
	}
}

// /devicecontrol/newDeviceRequests/{id}: GET, PUT (accept), DELETE.
func (s *Sim) handleNewDeviceRequest(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	role := RoleDeviceControlAdmin
	switch r.Method {
	case http.MethodGet:
		role = RoleDeviceControlRead
	case http.MethodDelete:
		// The OpenAPI description ("Delete a specific new device request")
		// names ROLE_USER_MANAGEMENT_ADMIN, not device control.
		role = RoleUserManagementAdmin
	}
	switch r.Method {
	case http.MethodGet, http.MethodPut, http.MethodDelete:
	default:
		writeMethodNotAllowed(w, r, http.MethodGet, http.MethodPut, http.MethodDelete)
		return
	}
	if s.userWith(w, r, role) == nil {
		return
	}
	var in map[string]any
	if !readItemRequest(w, r, ndrType, &in) {
		return
	}
	s.mu.Lock()
	d := s.requests[id]
	if d == nil {
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, "devicecontrol/Not Found",
			fmt.Sprintf("Finding device data from database failed : No deviceRequest for id '%s'!", id))
		return
	}
	switch r.Method {
	case http.MethodDelete:
		delete(s.requests, id)
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	case http.MethodPut:
		if msg := s.acceptLocked(d, str(in, "status"), str(in, "securityToken")); msg != "" {
			s.mu.Unlock()
			writeValidation(w, msg)
			return
		}
	}
	body := d.body(r)
	s.mu.Unlock()
	writeJSON(w, r, http.StatusOK, ndrType, body)
}

// acceptLocked moves d to ACCEPTED or says why it cannot.
func (s *Sim) acceptLocked(d *deviceRequest, status, token string) string {
	if status != StatusAccepted {
		return fmt.Sprintf("status: '%s' cannot be set; the only change allowed is to %s.", status, StatusAccepted)
	}
	switch d.status {
	case StatusPending:
	case StatusWaiting:
		return fmt.Sprintf("Device request for '%s' cannot be accepted: it is %s (the device has not asked for credentials yet). Start the device, wait until the request shows PENDING_ACCEPTANCE, then accept.", d.id, d.status)
	default:
		return fmt.Sprintf("Device request for '%s' cannot be accepted: it is %s, not %s.", d.id, d.status, StatusPending)
	}
	if d.deviceToken != "" && !equal(token, d.deviceToken) {
		d.tokenFailures++
		if d.tokenFailures >= maxTokenFailures {
			d.status = StatusBlocked
		}
		return fmt.Sprintf("Security token for '%s' does not match the one the device sent.", d.id)
	}
	d.status = StatusAccepted
	return ""
}

var (
	errDuplicate = errors.New("duplicate")
	errNoRequest = errors.New("no device request")
)

func (s *Sim) createRequest(id, owner, group, typ string) (*deviceRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.requests[id]; dup {
		return nil, fmt.Errorf("%w: a device request for '%s' already exists", errDuplicate, id)
	}
	d := &deviceRequest{id: id, status: StatusWaiting, owner: owner, created: s.now(), groupID: group, typ: typ, tenant: s.opts.TenantID}
	s.seq++
	d.order = s.seq
	s.requests[id] = d
	return d, nil
}

// locked runs f under the lock and returns its result.
func (s *Sim) locked(f func() any) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return f()
}

// CreateRequest registers a device as the UI's "Register device" does.
func (s *Sim) CreateRequest(deviceID string) error {
	_, err := s.createRequest(deviceID, "admin", "", "")
	return err
}

// Accept accepts a device request; it fails unless the request is
// PENDING_ACCEPTANCE (the device has polled once).
func (s *Sim) Accept(deviceID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.requests[deviceID]
	if d == nil {
		return fmt.Errorf("%w for '%s'", errNoRequest, deviceID)
	}
	if msg := s.acceptLocked(d, StatusAccepted, d.deviceToken); msg != "" {
		return errors.New(msg)
	}
	return nil
}

// RequestStatus is the status of the device's registration request; false
// when there is none (never registered, deleted, or credentials issued).
func (s *Sim) RequestStatus(deviceID string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.requests[deviceID]; d != nil {
		return d.status, true
	}
	return "", false
}
