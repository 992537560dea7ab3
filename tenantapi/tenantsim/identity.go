package tenantsim

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
)

type extKey struct{ typ, value string }

func extIDBody(r *http.Request, k extKey, moID string) map[string]any {
	return map[string]any{
		"externalId": k.value, "type": k.typ,
		"self": selfURL(r, "/identity/externalIds/"+url.PathEscape(k.typ)+"/"+url.PathEscape(k.value)),
		"managedObject": map[string]any{
			"id": moID, "self": selfURL(r, "/inventory/managedObjects/"+moID),
		},
	}
}

// /identity/externalIds/{type}/{value}: GET (resolve), DELETE.
func (s *Sim) handleExternalID(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodDelete:
	default:
		writeMethodNotAllowed(w, r, http.MethodGet, http.MethodDelete)
		return
	}
	a := s.user(w, r)
	if a == nil {
		return
	}
	k := extKey{r.PathValue("type"), r.PathValue("value")}
	s.mu.Lock()
	moID, found := s.extIDs[k]
	var canDelete bool
	if mo := s.mos[moID]; found && mo != nil {
		canDelete = (!a.isDevice() && a.has(RoleIdentityAdmin)) || mo["owner"] == a.name
	}
	s.mu.Unlock()
	if r.Method == http.MethodGet {
		if !a.isDevice() && !a.has(RoleIdentityRead) {
			writeForbidden(w)
			return
		}
		if !checkAccept(w, r, "externalId") {
			return
		}
	}
	if !found {
		writeError(w, http.StatusNotFound, "identity/Not Found",
			"External id not found; external id = ID [type="+k.typ+", value="+k.value+"]")
		return
	}
	if r.Method == http.MethodDelete {
		if !canDelete {
			writeForbidden(w)
			return
		}
		s.mu.Lock()
		delete(s.extIDs, k)
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, r, http.StatusOK, "externalId", extIDBody(r, k, moID))
}

// /identity/globalIds/{id}/externalIds: GET (list), POST (bind).
func (s *Sim) handleGlobalIDExternalIDs(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		writeMethodNotAllowed(w, r, http.MethodGet, http.MethodPost)
		return
	}
	a := s.user(w, r)
	if a == nil {
		return
	}
	role := RoleIdentityRead
	var in map[string]any
	if r.Method == http.MethodPost {
		role = RoleIdentityAdmin
		if !readBody(w, r, "externalId", &in) {
			return
		}
	} else if !checkAccept(w, r, "externalIdCollection") {
		return
	}
	moID := r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	mo := s.mos[moID]
	if mo == nil {
		writeError(w, http.StatusNotFound, "identity/Not Found", "Managed object with id '"+moID+"' not found.")
		return
	}
	if !(!a.isDevice() && a.has(role)) && mo["owner"] != a.name {
		writeForbidden(w)
		return
	}
	if r.Method == http.MethodGet {
		var items []map[string]any
		for k, id := range s.extIDs {
			if id == moID {
				items = append(items, extIDBody(r, k, id))
			}
		}
		sort.Slice(items, func(i, j int) bool {
			return str(items[i], "type")+str(items[i], "externalId") < str(items[j], "type")+str(items[j], "externalId")
		})
		writeJSON(w, r, http.StatusOK, "externalIdCollection", map[string]any{
			"externalIds": append([]map[string]any{}, items...), "self": selfURL(r, r.URL.Path),
		})
		return
	}
	k := extKey{strings.TrimSpace(str(in, "type")), strings.TrimSpace(str(in, "externalId"))}
	if k.typ == "" || k.value == "" {
		writeValidation(w, "type and externalId are required, e.g. {\"type\":\"c8y_Serial\",\"externalId\":\"<serial>\"}.")
		return
	}
	if other, bound := s.extIDs[k]; bound && other != moID {
		writeError(w, http.StatusConflict, "identity/Duplicate",
			"External id "+k.typ+" '"+k.value+"' is already bound to managed object '"+other+"'.")
		return
	}
	s.extIDs[k] = moID
	writeJSON(w, r, http.StatusCreated, "externalId", extIDBody(r, k, moID))
}
