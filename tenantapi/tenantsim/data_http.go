package tenantsim

import (
	"net/http"
	"slices"
	"strings"
)

// recordBody is a stored record as the platform answers it, with links.
func recordBody(r *http.Request, k *kind, rec *record) map[string]any {
	out := deepCopy(rec.body)
	out["self"] = selfURL(r, k.path+"/"+str(rec.body, "id"))
	if src, ok := out["source"].(map[string]any); ok {
		src["self"] = selfURL(r, "/inventory/managedObjects/"+str(src, "id"))
	}
	return out
}

// canReadRecord: users by role, devices only records of objects they own.
func (s *Sim) canReadRecordLocked(a *account, k *kind, rec *record) bool {
	if !a.isDevice() && a.has(k.readRole) {
		return true
	}
	mo := s.mos[rec.sourceID()]
	return mo != nil && mo["owner"] == a.name
}

// handleRecords serves a kind's collection: GET (list), POST (create).
func (s *Sim) handleRecords(k *kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			s.listRecords(w, r, k)
		case http.MethodPost:
			s.createRecord(w, r, k)
		case http.MethodDelete:
			writeNotSimulated(w, r, "deleting "+k.key+" by filter")
		default:
			writeMethodNotAllowed(w, r, http.MethodGet, http.MethodPost, http.MethodDelete)
		}
	}
}

func (s *Sim) createRecord(w http.ResponseWriter, r *http.Request, k *kind) {
	a := s.user(w, r)
	if a == nil {
		return
	}
	var in map[string]any
	if !readBody(w, r, k.api, &in) {
		return
	}
	s.mu.Lock()
	rec, action, p := s.createRecordLocked(k, in, a)
	if p != nil {
		s.mu.Unlock()
		writeProblem(w, p)
		return
	}
	s.changedLocked(k.api, action, str(rec.body, "id"), rec.body)
	body := recordBody(r, k, rec)
	if transient(r) && action == ActionCreate {
		// Processed (real-time notifications) but not stored (platform docs,
		// "Processing mode": TRANSIENT).
		delete(s.data[k.api], str(rec.body, "id"))
	}
	s.mu.Unlock()
	s.flush()
	w.Header().Set("Location", str(body, "self"))
	writeJSON(w, r, http.StatusCreated, k.api, body)
}

// transient: the request asks for the TRANSIENT processing mode.
func transient(r *http.Request) bool {
	return strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Cumulocity-Processing-Mode")), "TRANSIENT")
}

func writeProblem(w http.ResponseWriter, p *problem) {
	if p.status == http.StatusForbidden {
		writeForbidden(w)
		return
	}
	writeValidation(w, p.msg)
}

func (s *Sim) listRecords(w http.ResponseWriter, r *http.Request, k *kind) {
	lr, ok := s.readListRequest(w, r, k.api+"Collection", k.readRole, k.filters...)
	if !ok {
		return
	}
	a := lr.a
	q := r.URL.Query()
	f := Filter{Source: q.Get("source"), Type: q.Get("type"), FragmentType: q.Get("fragmentType"),
		DateFrom: lr.from, DateTo: lr.to, Status: q.Get("status"), Severity: q.Get("severity"),
		ValueFragmentType: q.Get("valueFragmentType"), ValueFragmentSeries: q.Get("valueFragmentSeries")}
	s.mu.Lock()
	recs := s.listRecordsLocked(k, f, func(rec *record) bool { return s.canReadRecordLocked(a, k, rec) })
	items := make([]map[string]any, 0, len(recs))
	for _, rec := range recs {
		items = append(items, recordBody(r, k, rec))
	}
	s.mu.Unlock()
	isRange := q.Get("dateFrom") != "" || q.Get("dateTo") != ""
	if (k.rangeNewestFirst && isRange) != boolParam(r, "revert") {
		slices.Reverse(items)
	}
	writeJSON(w, r, http.StatusOK, k.api+"Collection", collection(r, k.key, items, lr.cur, lr.size))
}

// handleRecord serves one record: GET, PUT (events and alarms).
func (s *Sim) handleRecord(k *kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		allow := []string{http.MethodGet, http.MethodDelete}
		if k.updatable {
			allow = append(allow, http.MethodPut)
		}
		if !slices.Contains(allow, r.Method) {
			writeMethodNotAllowed(w, r, allow...)
			return
		}
		if r.Method == http.MethodDelete {
			writeNotSimulated(w, r, "deleting "+k.key)
			return
		}
		a := s.user(w, r)
		if a == nil {
			return
		}
		var in map[string]any
		if !readItemRequest(w, r, k.api, &in) {
			return
		}
		id := r.PathValue("id")
		s.mu.Lock()
		rec := s.data[k.api][id]
		if rec == nil {
			s.mu.Unlock()
			writeError(w, http.StatusNotFound, k.api+"/Not Found",
				"Finding "+k.api+" data from database failed : No "+k.api+" for id '"+id+"'!")
			return
		}
		role := k.readRole
		if r.Method == http.MethodPut {
			role = k.adminRole
		}
		mo := s.mos[rec.sourceID()]
		if !(!a.isDevice() && a.has(role)) && (mo == nil || mo["owner"] != a.name) {
			s.mu.Unlock()
			writeForbidden(w)
			return
		}
		if r.Method == http.MethodPut {
			if p := s.updateRecordLocked(k, rec, in); p != nil {
				s.mu.Unlock()
				writeProblem(w, p)
				return
			}
			s.changedLocked(k.api, ActionUpdate, id, rec.body)
		}
		body := recordBody(r, k, rec)
		s.mu.Unlock()
		s.flush()
		writeJSON(w, r, http.StatusOK, k.api, body)
	}
}
