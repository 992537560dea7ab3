package tenantsim

import (
	"encoding/json"
	"net/http"

	"github.com/edge-setup/edge-setup/tenantapi/tenantsim/invquery"
)

const moType = "managedObject"

// fields the platform owns: a client cannot set or change them.
var systemFields = []string{"id", "self", "owner", "creationTime", "lastUpdated"}

// canRead / canWrite: users by role, devices only their own objects.
func canRead(a *account, mo map[string]any) bool {
	return (!a.isDevice() && a.has(RoleInventoryRead)) || mo["owner"] == a.name
}

func canWrite(a *account, mo map[string]any) bool {
	return (!a.isDevice() && a.has(RoleInventoryAdmin)) || mo["owner"] == a.name
}

// moBodyLocked is the object as the platform answers: with its link and
// its child collections (and parents when the request asks withParents).
func (s *Sim) moBodyLocked(r *http.Request, mo map[string]any) map[string]any {
	out := deepCopy(mo)
	out["self"] = selfURL(r, "/inventory/managedObjects/"+str(mo, "id"))
	q := r.URL.Query()
	s.addReferencesLocked(r, out, q.Get("withChildren") != "false", q.Get("withParents") == "true")
	return out
}

func notFoundMO(w http.ResponseWriter, id string) {
	writeError(w, http.StatusNotFound, "inventory/Not Found",
		"Finding device data from database failed : No managedObject for id '"+id+"'!")
}

// /inventory/managedObjects: GET (list, see listManagedObjects), POST.
func (s *Sim) handleManagedObjects(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		s.listManagedObjects(w, r)
	case http.MethodPost:
		a := s.user(w, r)
		if a == nil {
			return
		}
		if !a.isDevice() && !a.has(RoleInventoryAdmin) {
			writeForbidden(w)
			return
		}
		var in map[string]any
		if !readBody(w, r, moType, &in) {
			return
		}
		for _, k := range append(systemFields, referenceFields...) {
			delete(in, k)
		}
		s.mu.Lock()
		id := s.nextID()
		now := s.now()
		in["id"], in["owner"], in["creationTime"], in["lastUpdated"] = id, a.name, now, now
		s.mos[id] = in
		s.changedLocked(APIManagedObject, ActionCreate, id, in)
		body := s.moBodyLocked(r, in)
		s.mu.Unlock()
		s.flush()
		w.Header().Set("Location", selfURL(r, "/inventory/managedObjects/"+id))
		writeJSON(w, r, http.StatusCreated, moType, body)
	default:
		writeMethodNotAllowed(w, r, http.MethodGet, http.MethodPost)
	}
}

// /inventory/managedObjects/{id}: GET, PUT (merge fragments; null removes
// one), DELETE.
func (s *Sim) handleManagedObject(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodPut, http.MethodDelete:
	default:
		writeMethodNotAllowed(w, r, http.MethodGet, http.MethodPut, http.MethodDelete)
		return
	}
	a := s.user(w, r)
	if a == nil {
		return
	}
	var in map[string]any
	if !readItemRequest(w, r, moType, &in) {
		return
	}
	id := r.PathValue("id")
	s.mu.Lock()
	mo := s.mos[id]
	allowed := mo != nil && ((r.Method == http.MethodGet && canRead(a, mo)) || canWrite(a, mo))
	if mo == nil || !allowed {
		s.mu.Unlock()
		if mo == nil {
			notFoundMO(w, id)
		} else {
			writeForbidden(w)
		}
		return
	}
	switch r.Method {
	case http.MethodDelete:
		delete(s.mos, id)
		for k, v := range s.extIDs {
			if v == id {
				delete(s.extIDs, k)
			}
		}
		delete(s.raConfigs, id)
		s.dropReferencesLocked(id)
		s.changedLocked(APIManagedObject, ActionDelete, id, nil)
		s.mu.Unlock()
		s.flush()
		w.WriteHeader(http.StatusNoContent)
		return
	case http.MethodPut:
		for _, k := range append(systemFields, referenceFields...) {
			delete(in, k)
		}
		for k, v := range in {
			if v == nil {
				delete(mo, k)
			} else {
				mo[k] = v
			}
		}
		mo["lastUpdated"] = s.now()
		s.changedLocked(APIManagedObject, ActionUpdate, id, mo)
	}
	body := s.moBodyLocked(r, mo)
	s.mu.Unlock()
	s.flush()
	writeJSON(w, r, http.StatusOK, moType, body)
}

// ManagedObjectByExternalID is a copy of the object bound to (typ, extID).
func (s *Sim) ManagedObjectByExternalID(typ, extID string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	mo := s.mos[s.extIDs[extKey{typ, extID}]]
	if mo == nil {
		return nil, false
	}
	return deepCopy(mo), true
}

// ManagedObject is a copy of the object with the given id.
func (s *Sim) ManagedObject(id string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	mo := s.mos[id]
	if mo == nil {
		return nil, false
	}
	return deepCopy(mo), true
}

// deepCopy copies a decoded JSON object so callers never share the sim's maps.
func deepCopy(m map[string]any) map[string]any {
	data, err := json.Marshal(m)
	if err != nil {
		panic("tenantsim: cannot copy a managed object: " + err.Error())
	}
	out := map[string]any{}
	_ = json.Unmarshal(data, &out)
	if out == nil { // m was nil
		out = map[string]any{}
	}
	return out
}

// byNumber compares two ids as numbers.
var byNumber = invquery.ByNumber
