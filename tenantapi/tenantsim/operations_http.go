package tenantsim

import (
	"net/http"
	"slices"
)

// /devicecontrol/operations: GET (list; filters deviceId, agentId, status,
// fragmentType, dateFrom/dateTo, revert), POST (create).
func (s *Sim) handleOperations(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		s.listOperations(w, r)
	case http.MethodPost:
		s.postOperation(w, r)
	case http.MethodDelete:
		writeNotSimulated(w, r, "deleting operations by filter")
	default:
		writeMethodNotAllowed(w, r, http.MethodGet, http.MethodPost, http.MethodDelete)
	}
}

func (s *Sim) listOperations(w http.ResponseWriter, r *http.Request) {
	lr, ok := s.readListRequest(w, r, opType+"Collection", RoleDeviceControlRead,
		"deviceId", "agentId", "status", "fragmentType", "dateFrom", "dateTo", "revert")
	if !ok {
		return
	}
	a := lr.a
	q := r.URL.Query()
	if st := q.Get("status"); st != "" && !slices.Contains(opStatuses, st) {
		writeValidation(w, "status: must be one of PENDING, EXECUTING, SUCCESSFUL, FAILED.")
		return
	}
	f := OperationFilter{DeviceID: q.Get("deviceId"), AgentID: q.Get("agentId"), Status: q.Get("status"),
		FragmentType: q.Get("fragmentType"), DateFrom: lr.from, DateTo: lr.to}
	s.mu.Lock()
	items := []map[string]any{}
	for _, o := range s.listOpsLocked(f) {
		if a.isDevice() && !s.ownsDeviceLocked(a, o.deviceID) {
			continue
		}
		b := o.body(r)
		if f.AgentID != "" {
			b["deviceExternalIDs"] = s.deviceExternalIDsLocked(r, o.deviceID)
		}
		items = append(items, b)
	}
	s.mu.Unlock()
	if boolParam(r, "revert") {
		slices.Reverse(items)
	}
	writeJSON(w, r, http.StatusOK, opType+"Collection", collection(r, "operations", items, lr.cur, lr.size))
}

// POST /devicecontrol/operations {"deviceId", fragments...}: 201, PENDING.
// Roles: ROLE_DEVICE_CONTROL_ADMIN or owner of the device object (old
// REST reference, "POST - Create an Operation").
func (s *Sim) postOperation(w http.ResponseWriter, r *http.Request) {
	a := s.user(w, r)
	if a == nil {
		return
	}
	var in map[string]any
	if !readBody(w, r, opType, &in) {
		return
	}
	devID := idString(in["deviceId"])
	if devID == "" {
		writeValidation(w, "deviceId: may not be null.")
		return
	}
	s.mu.Lock()
	mo := s.mos[devID]
	switch {
	case mo == nil:
		s.mu.Unlock()
		// Guess: the platform's status and words for an unknown device are not public.
		writeValidation(w, "deviceId: no managed object with id '"+devID+"'.")
		return
	case !(!a.isDevice() && a.has(RoleDeviceControlAdmin)) && mo["owner"] != a.name:
		s.mu.Unlock()
		writeForbidden(w)
		return
	}
	o := s.createOperationLocked(devID, in)
	body := o.body(r)
	s.mu.Unlock()
	s.flush()
	w.Header().Set("Location", str(body, "self"))
	writeJSON(w, r, http.StatusCreated, opType, body)
}

// /devicecontrol/operations/{id}: GET, PUT {"status","failureReason"}.
func (s *Sim) handleOperation(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPut {
		writeMethodNotAllowed(w, r, http.MethodGet, http.MethodPut)
		return
	}
	a := s.user(w, r)
	if a == nil {
		return
	}
	role := RoleDeviceControlRead
	var in map[string]any
	if r.Method == http.MethodPut {
		role = RoleDeviceControlAdmin
		if !readBody(w, r, opType, &in) {
			return
		}
	} else if !checkAccept(w, r, opType) {
		return
	}
	id := r.PathValue("id")
	s.mu.Lock()
	o := s.ops[id]
	if o == nil {
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, "devicecontrol/Not Found",
			"Finding device data from database failed : No operation for id '"+id+"'!")
		return
	}
	if !(!a.isDevice() && a.has(role)) && !s.ownsDeviceLocked(a, o.deviceID) {
		s.mu.Unlock()
		writeForbidden(w)
		return
	}
	if r.Method == http.MethodPut {
		if v, has := in["status"]; has {
			st, _ := v.(string)
			if !slices.Contains(opStatuses, st) {
				s.mu.Unlock()
				writeValidation(w, "status: must be one of PENDING, EXECUTING, SUCCESSFUL, FAILED.")
				return
			}
			o.status = st
		}
		if v, has := in["failureReason"]; has {
			o.failureReason, _ = v.(string)
		}
		for k, v := range in {
			if !slices.Contains(opFields, k) {
				o.fragments[k] = v
			}
		}
		s.changedLocked(APIOperation, ActionUpdate, id, o.wire())
	}
	body := o.body(r)
	s.mu.Unlock()
	s.flush()
	writeJSON(w, r, http.StatusOK, opType, body)
}
