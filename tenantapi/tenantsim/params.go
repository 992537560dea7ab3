package tenantsim

import (
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
)

// pagingParams are the query parameters every collection understands.
var pagingParams = []string{"currentPage", "pageSize", "withTotalPages", "withTotalElements"}

// checkParams answers 422 and returns false when the request carries a
// query parameter outside allowed (and paging). The platform knows many
// more filters than tenantsim simulates; silently ignoring one would hand
// a client the unfiltered list, and a client that takes the first hit
// would then act on the wrong object. So a filter tenantsim does not
// simulate is refused by name.
func checkParams(w http.ResponseWriter, r *http.Request, allowed ...string) bool {
	var unknown []string
	for k := range r.URL.Query() {
		if !slices.Contains(pagingParams, k) && !slices.Contains(allowed, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return true
	}
	sort.Strings(unknown)
	sorted := append([]string(nil), allowed...)
	sort.Strings(sorted)
	writeError(w, http.StatusUnprocessableEntity, "tenantsim/filterNotSimulated",
		"tenantsim does not simulate the query parameter(s) "+strings.Join(unknown, ", ")+" on "+r.URL.Path+
			" (the real platform may support them); simulated here: "+strings.Join(sorted, ", ")+
			" and paging.")
	return false
}

// parseTime reads a platform date or date-time ("2026-12-01",
// "2026-12-01T10:00:00.000Z", "...+01:00").
func parseTime(v string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z0700", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// dateRange reads dateFrom and dateTo; on a bad value it answers 422.
// dateFrom is inclusive, dateTo exclusive (guess: the OpenAPI description
// calls them "start" and "end" without saying).
func dateRange(w http.ResponseWriter, r *http.Request) (from, to time.Time, ok bool) {
	q := r.URL.Query()
	for _, p := range []struct {
		name string
		into *time.Time
	}{{"dateFrom", &from}, {"dateTo", &to}} {
		v := q.Get(p.name)
		if v == "" {
			continue
		}
		t, good := parseTime(v)
		if !good {
			writeValidation(w, p.name+": '"+v+"' is not a date or an ISO 8601 date-time.")
			return time.Time{}, time.Time{}, false
		}
		*p.into = t
	}
	return from, to, true
}

// listRequest is what a dated listing (records, operations) was asked for.
type listRequest struct {
	a         *account
	cur, size int
	from, to  time.Time
}

// readListRequest checks a dated listing of media type collection: a user
// who accepts it and, unless a device, holds readRole; only the query
// parameters in allowed (and paging); a valid page and date range. On
// failure it has already answered and returns false.
func (s *Sim) readListRequest(w http.ResponseWriter, r *http.Request, collection, readRole string, allowed ...string) (listRequest, bool) {
	a := s.user(w, r)
	if a == nil || !checkAccept(w, r, collection) {
		return listRequest{}, false
	}
	if !a.isDevice() && !a.has(readRole) {
		writeForbidden(w)
		return listRequest{}, false
	}
	if !checkParams(w, r, allowed...) {
		return listRequest{}, false
	}
	cur, size, ok := page(w, r)
	if !ok {
		return listRequest{}, false
	}
	from, to, ok := dateRange(w, r)
	if !ok {
		return listRequest{}, false
	}
	return listRequest{a: a, cur: cur, size: size, from: from, to: to}, true
}

// inRange reports whether t lies in [from, to); zero bounds are open.
func inRange(t, from, to time.Time) bool {
	return (from.IsZero() || !t.Before(from)) && (to.IsZero() || t.Before(to))
}

// boolParam reads a "true"/"false" query parameter (absent = false).
func boolParam(r *http.Request, name string) bool { return r.URL.Query().Get(name) == "true" }

// oneOf reports whether v is one of the comma-separated values in list
// ("" = any). The platform takes lists like status=ACTIVE,ACKNOWLEDGED.
func oneOf(v, list string) bool {
	if list == "" {
		return true
	}
	for _, x := range strings.Split(list, ",") {
		if strings.TrimSpace(x) == v {
			return true
		}
	}
	return false
}
