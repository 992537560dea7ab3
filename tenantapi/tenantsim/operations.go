package tenantsim

import (
	"cmp"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"time"
)

const opType = "operation"

// Operation statuses on the wire.
const (
	OpPending    = "PENDING"
	OpExecuting  = "EXECUTING"
	OpSuccessful = "SUCCESSFUL"
	OpFailed     = "FAILED"
)

var opStatuses = []string{OpPending, OpExecuting, OpSuccessful, OpFailed}

type operation struct {
	id, deviceID, status, failureReason, created string
	createdAt                                    time.Time
	fragments                                    map[string]any
}

// opFields the platform owns or that PUT/POST cannot set as fragments.
// The Java and .NET SDKs strip these (bar status) before creating an operation.
var opFields = []string{"id", "self", "deviceId", "status", "failureReason", "creationTime", "deviceExternalIDs", "bulkOperationId", "deviceName"}

// wire is the operation as stored (no links).
func (o *operation) wire() map[string]any {
	m := deepCopy(o.fragments)
	m["id"], m["deviceId"], m["status"], m["creationTime"] = o.id, o.deviceID, o.status, o.created
	if o.failureReason != "" {
		m["failureReason"] = o.failureReason
	}
	return m
}

func (o *operation) body(r *http.Request) map[string]any {
	m := o.wire()
	m["self"] = selfURL(r, "/devicecontrol/operations/"+o.id)
	return m
}

// createOperationLocked stores a PENDING operation; callers hold s.mu and
// call s.flush after releasing it.
func (s *Sim) createOperationLocked(deviceMOID string, fragments map[string]any) *operation {
	id := s.nextID()
	frags := deepCopy(fragments)
	for _, k := range opFields {
		delete(frags, k)
	}
	o := &operation{id: id, deviceID: deviceMOID, status: OpPending, created: s.now(), createdAt: s.opts.Now(), fragments: frags}
	s.ops[id] = o
	s.changedLocked(APIOperation, ActionCreate, id, o.wire())
	return o
}

// CreateOperation queues a PENDING operation for the device (as a user in
// the UI would) and returns its id. The device need not exist (a test may
// queue one for an object it creates later).
func (s *Sim) CreateOperation(deviceMOID string, fragments map[string]any) string {
	s.mu.Lock()
	o := s.createOperationLocked(deviceMOID, fragments)
	s.mu.Unlock()
	s.flush()
	return o.id
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

// Operation is a copy of the operation (without links).
func (s *Sim) Operation(id string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.ops[id]
	if o == nil {
		return nil, false
	}
	return o.wire(), true
}

// OperationFilter selects operations; zero fields match all.
type OperationFilter struct {
	DeviceID     string
	AgentID      string // the device itself or an agent whose childDevices hold it (directly or below)
	Status       string
	FragmentType string
	DateFrom     time.Time // creationTime at or after
	DateTo       time.Time // creationTime before
}

// Operations lists matching operations in the order they were created
// (the platform's documented FIFO order).
func (s *Sim) Operations(f OperationFilter) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, o := range s.listOpsLocked(f) {
		out = append(out, o.wire())
	}
	return out
}

// SetOperationStatus moves an operation on, as the device would (a
// failure reason only with FAILED).
func (s *Sim) SetOperationStatus(id, status, failureReason string) bool {
	s.mu.Lock()
	o := s.ops[id]
	if o == nil || !slices.Contains(opStatuses, status) {
		s.mu.Unlock()
		return false
	}
	o.status, o.failureReason = status, failureReason
	s.changedLocked(APIOperation, ActionUpdate, id, o.wire())
	s.mu.Unlock()
	s.flush()
	return true
}

func (s *Sim) listOpsLocked(f OperationFilter) []*operation {
	ids := slices.Collect(maps.Keys(s.ops))
	slices.SortFunc(ids, byNumber)
	var out []*operation
	for _, id := range ids {
		o := s.ops[id]
		if (f.DeviceID != "" && o.deviceID != f.DeviceID) ||
			(f.AgentID != "" && !s.servedByAgentLocked(f.AgentID, o.deviceID)) ||
			(f.Status != "" && o.status != f.Status) ||
			!inRange(o.createdAt, f.DateFrom, f.DateTo) {
			continue
		}
		if f.FragmentType != "" {
			if _, has := o.fragments[f.FragmentType]; !has {
				continue
			}
		}
		out = append(out, o)
	}
	return out
}

// servedByAgentLocked: the device is the agent itself or sits below it in
// the childDevices tree. The platform routes a child device's operations
// to its agent; the old REST reference says a device must be in the
// childDevices hierarchy of an agent to get operations (tenantsim does
// not enforce that).
func (s *Sim) servedByAgentLocked(agentID, deviceID string) bool {
	seen := map[string]bool{}
	var walk func(id string) bool
	walk = func(id string) bool {
		if id == deviceID {
			return true
		}
		if seen[id] {
			return false
		}
		seen[id] = true
		for _, child := range s.childrenLocked(id, "childDevices") {
			if walk(child) {
				return true
			}
		}
		return false
	}
	return walk(agentID)
}

// deviceExternalIDs is the fragment the platform embeds in operations
// listed with agentId (old REST reference: "contains deviceExternalIDs
// only when queried with an agentId parameter"); shape as the Java SDK's
// ExternalIDCollectionRepresentation. Callers hold s.mu.
func (s *Sim) deviceExternalIDsLocked(r *http.Request, deviceID string) map[string]any {
	ids := []map[string]any{}
	keys := slices.Collect(maps.Keys(s.extIDs))
	slices.SortFunc(keys, func(a, b extKey) int {
		if a.typ != b.typ {
			return cmp.Compare(a.typ, b.typ)
		}
		return cmp.Compare(a.value, b.value)
	})
	for _, k := range keys {
		if s.extIDs[k] == deviceID {
			ids = append(ids, map[string]any{"externalId": k.value, "type": k.typ,
				"self": selfURL(r, "/identity/externalIds/"+url.PathEscape(k.typ)+"/"+url.PathEscape(k.value))})
		}
	}
	return map[string]any{"externalIds": ids, "self": selfURL(r, "/identity/globalIds/"+deviceID+"/externalIds")}
}

// ownsDevice: a device user may touch operations of the objects it owns.
func (s *Sim) ownsDeviceLocked(a *account, moID string) bool {
	mo := s.mos[moID]
	return mo != nil && mo["owner"] == a.name
}
