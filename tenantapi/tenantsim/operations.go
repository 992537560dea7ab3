package tenantsim

import (
	"maps"
	"net/http"
	"slices"
)

const opType = "operation"

// Operation statuses on the wire.
const (
	OpPending    = "PENDING"
	OpExecuting  = "EXECUTING"
	OpSuccessful = "SUCCESSFUL"
	OpFailed     = "FAILED"
)

type operation struct {
	id, deviceID, status, failureReason, created string
	fragments                                    map[string]any
}

func (o *operation) body(r *http.Request) map[string]any {
	m := deepCopy(o.fragments)
	m["id"], m["deviceId"], m["status"], m["creationTime"] = o.id, o.deviceID, o.status, o.created
	m["self"] = selfURL(r, "/devicecontrol/operations/"+o.id)
	if o.failureReason != "" {
		m["failureReason"] = o.failureReason
	}
	return m
}

// CreateOperation queues a PENDING operation for the device (as a user in
// the UI would) and returns its id.
func (s *Sim) CreateOperation(deviceMOID string, fragments map[string]any) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextID()
	s.ops[id] = &operation{id: id, deviceID: deviceMOID, status: OpPending, created: s.now(), fragments: deepCopy(fragments)}
	return id
}

// OperationStatus reports an operation's status and failure reason.
func (s *Sim) OperationStatus(id string) (status, failureReason string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.ops[id]
	if o == nil {
		return "", "", false
	}
	return o.status, o.failureReason, true
}

// ownsDevice: a device user may touch operations of the objects it owns.
func (s *Sim) ownsDeviceLocked(a *account, moID string) bool {
	mo := s.mos[moID]
	return mo != nil && mo["owner"] == a.name
}

// GET /devicecontrol/operations?agentId=&deviceId=&status=
func (s *Sim) handleOperations(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeMethodNotAllowed(w, r, http.MethodGet)
		return
	}
	a := s.user(w, r)
	if a == nil || !checkAccept(w, r, opType+"Collection") {
		return
	}
	if !a.isDevice() && !a.has(RoleDeviceControlRead) {
		writeForbidden(w)
		return
	}
	cur, size, ok := page(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	s.mu.Lock()
	ids := slices.Collect(maps.Keys(s.ops))
	slices.SortFunc(ids, byNumber)
	items := []map[string]any{}
	for _, id := range ids {
		o := s.ops[id]
		if (a.isDevice() && !s.ownsDeviceLocked(a, o.deviceID)) ||
			(q.Get("agentId") != "" && o.deviceID != q.Get("agentId")) ||
			(q.Get("deviceId") != "" && o.deviceID != q.Get("deviceId")) ||
			(q.Get("status") != "" && o.status != q.Get("status")) {
			continue
		}
		items = append(items, o.body(r))
	}
	s.mu.Unlock()
	writeJSON(w, r, http.StatusOK, opType+"Collection", collection(r, "operations", items, cur, size))
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
	defer s.mu.Unlock()
	o := s.ops[id]
	if o == nil {
		writeError(w, http.StatusNotFound, "devicecontrol/Not Found",
			"Finding device data from database failed : No operation for id '"+id+"'!")
		return
	}
	if !(!a.isDevice() && a.has(role)) && !s.ownsDeviceLocked(a, o.deviceID) {
		writeForbidden(w)
		return
	}
	if r.Method == http.MethodPut {
		if v, has := in["status"]; has {
			st, _ := v.(string)
			if !slices.Contains([]string{OpPending, OpExecuting, OpSuccessful, OpFailed}, st) {
				writeValidation(w, "status: must be one of PENDING, EXECUTING, SUCCESSFUL, FAILED.")
				return
			}
			o.status = st
		}
		if v, has := in["failureReason"]; has {
			o.failureReason, _ = v.(string)
		}
		for k, v := range in {
			switch k {
			case "status", "failureReason", "id", "self", "deviceId", "creationTime":
			default:
				o.fragments[k] = v
			}
		}
	}
	writeJSON(w, r, http.StatusOK, opType, o.body(r))
}
