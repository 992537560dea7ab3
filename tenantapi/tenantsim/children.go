package tenantsim

import (
	"errors"
	"net/http"
	"slices"
)

// Managed object references: childDevices, childAssets, childAdditions,
// and their reverse, the parents. Stored apart from the objects so names
// and links are always current; objects carry them in every answer.

var childKinds = []string{"childDevices", "childAssets", "childAdditions"}

// parentKind is the parents fragment for a child collection.
var parentKind = map[string]string{
	"childDevices": "deviceParents", "childAssets": "assetParents", "childAdditions": "additionParents",
}

// referenceFields are server-owned: a client changes them through the
// reference endpoints, never in a POST or PUT of the object (guess: the
// platform also accepts childDevices on create; tenantsim ignores it).
var referenceFields = []string{"childDevices", "childAssets", "childAdditions", "deviceParents", "assetParents", "additionParents"}

func (s *Sim) childrenLocked(parentID, kind string) []string {
	return s.children[parentID][kind]
}

// addChildLocked adds childID to the parent's collection (once).
func (s *Sim) addChildLocked(parentID, kind, childID string) {
	if s.children[parentID] == nil {
		s.children[parentID] = map[string][]string{}
	}
	if !slices.Contains(s.children[parentID][kind], childID) {
		s.children[parentID][kind] = append(s.children[parentID][kind], childID)
	}
}

// AddChild adds a reference as POST .../{kind} does (kind is
// "childDevices", "childAssets" or "childAdditions"); both objects must
// exist. For the demo and the other simulations.
func (s *Sim) AddChild(parentID, kind, childID string) error {
	if !slices.Contains(childKinds, kind) {
		return errors.New("tenantsim: no reference collection " + kind)
	}
	s.mu.Lock()
	if s.mos[parentID] == nil || s.mos[childID] == nil || parentID == childID {
		s.mu.Unlock()
		return errors.New("tenantsim: cannot add " + childID + " to " + kind + " of " + parentID)
	}
	s.addChildLocked(parentID, kind, childID)
	s.changedLocked(APIManagedObject, ActionUpdate, parentID, s.mos[parentID])
	s.mu.Unlock()
	s.flush()
	return nil
}

// Children lists the ids in the parent's reference collection, in the
// order they were added.
func (s *Sim) Children(parentID, kind string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.childrenLocked(parentID, kind))
}

func (s *Sim) parentsLocked(childID, kind string) []string {
	var out []string
	for parent, kinds := range s.children {
		if slices.Contains(kinds[kind], childID) {
			out = append(out, parent)
		}
	}
	slices.SortFunc(out, byNumber)
	return out
}

func (s *Sim) refLocked(r *http.Request, id string) map[string]any {
	ref := map[string]any{"id": id, "self": selfURL(r, "/inventory/managedObjects/"+id)}
	if n := str(s.mos[id], "name"); n != "" {
		ref["name"] = n
	}
	return ref
}

func (s *Sim) refCollectionLocked(r *http.Request, owner, kind string, ids []string) map[string]any {
	refs := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		refs = append(refs, map[string]any{
			"managedObject": s.refLocked(r, id),
			"self":          selfURL(r, "/inventory/managedObjects/"+owner+"/"+kind+"/"+id),
		})
	}
	return map[string]any{"references": refs, "self": selfURL(r, "/inventory/managedObjects/"+owner+"/"+kind)}
}

// addReferencesLocked puts the child collections (and, withParents, the
// parents) into an answer body.
func (s *Sim) addReferencesLocked(r *http.Request, body map[string]any, withChildren, withParents bool) {
	id := str(body, "id")
	for _, kind := range childKinds {
		if withChildren {
			body[kind] = s.refCollectionLocked(r, id, kind, s.childrenLocked(id, kind))
		}
		if withParents {
			body[parentKind[kind]] = s.refCollectionLocked(r, id, parentKind[kind], s.parentsLocked(id, kind))
		}
	}
}

// dropReferencesLocked forgets every reference to or from id.
func (s *Sim) dropReferencesLocked(id string) {
	delete(s.children, id)
	for _, kinds := range s.children {
		for k, ids := range kinds {
			kinds[k] = slices.DeleteFunc(ids, func(x string) bool { return x == id })
		}
	}
}

const refType = "managedObjectReference"

// /inventory/managedObjects/{id}/{kind}: GET (list), POST {"managedObject":{"id"}}.
func (s *Sim) handleChildren(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodPost {
			writeMethodNotAllowed(w, r, http.MethodGet, http.MethodPost)
			return
		}
		a := s.user(w, r)
		if a == nil {
			return
		}
		var in map[string]any
		if r.Method == http.MethodPost && !readBody(w, r, refType, &in) {
			return
		}
		if r.Method == http.MethodGet && (!checkAccept(w, r, refType+"Collection") || !checkParams(w, r)) {
			return
		}
		cur, size, ok := page(w, r)
		if !ok {
			return
		}
		id := r.PathValue("id")
		s.mu.Lock()
		parent := s.mos[id]
		if parent == nil {
			s.mu.Unlock()
			notFoundMO(w, id)
			return
		}
		if r.Method == http.MethodGet {
			if !canRead(a, parent) {
				s.mu.Unlock()
				writeForbidden(w)
				return
			}
			refs := s.refCollectionLocked(r, id, kind, s.childrenLocked(id, kind))["references"].([]map[string]any)
			s.mu.Unlock()
			writeJSON(w, r, http.StatusOK, refType+"Collection", collection(r, "references", refs, cur, size))
			return
		}
		inner, _ := in["managedObject"].(map[string]any)
		childID := idString(inner["id"])
		switch {
		case !canWrite(a, parent):
			s.mu.Unlock()
			writeForbidden(w)
			return
		case childID == "" || s.mos[childID] == nil:
			s.mu.Unlock()
			// Guess: the platform's answer for an unknown child is not public.
			writeValidation(w, "managedObject.id: no managed object with id '"+childID+"'.")
			return
		case childID == id:
			s.mu.Unlock()
			writeValidation(w, "managedObject.id: an object cannot be its own child.")
			return
		}
		s.addChildLocked(id, kind, childID)
		body := map[string]any{"managedObject": s.refLocked(r, childID),
			"self": selfURL(r, "/inventory/managedObjects/"+id+"/"+kind+"/"+childID)}
		s.changedLocked(APIManagedObject, ActionUpdate, id, s.mos[id])
		s.mu.Unlock()
		s.flush()
		writeJSON(w, r, http.StatusCreated, refType, body)
	}
}

// /inventory/managedObjects/{id}/{kind}/{child}: GET, DELETE (204).
func (s *Sim) handleChild(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodDelete {
			writeMethodNotAllowed(w, r, http.MethodGet, http.MethodDelete)
			return
		}
		a := s.user(w, r)
		if a == nil || (r.Method == http.MethodGet && !checkAccept(w, r, refType)) {
			return
		}
		id, childID := r.PathValue("id"), r.PathValue("child")
		s.mu.Lock()
		parent := s.mos[id]
		if parent == nil || !slices.Contains(s.childrenLocked(id, kind), childID) {
			s.mu.Unlock()
			writeError(w, http.StatusNotFound, "inventory/Not Found",
				"Finding device data from database failed : No managedObjectReference for id '"+childID+"' in "+kind+" of '"+id+"'!")
			return
		}
		allowed := canRead(a, parent)
		if r.Method == http.MethodDelete {
			allowed = canWrite(a, parent)
		}
		if !allowed {
			s.mu.Unlock()
			writeForbidden(w)
			return
		}
		if r.Method == http.MethodDelete {
			s.children[id][kind] = slices.DeleteFunc(s.children[id][kind], func(x string) bool { return x == childID })
			s.changedLocked(APIManagedObject, ActionUpdate, id, s.mos[id])
			s.mu.Unlock()
			s.flush()
			w.WriteHeader(http.StatusNoContent)
			return
		}
		body := map[string]any{"managedObject": s.refLocked(r, childID), "self": selfURL(r, r.URL.Path)}
		s.mu.Unlock()
		writeJSON(w, r, http.StatusOK, refType, body)
	}
}
