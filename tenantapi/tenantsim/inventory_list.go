package tenantsim

import (
	"cmp"
	"net/http"
	"slices"
	"strings"

	"github.com/edge-setup/edge-setup/tenantapi/tenantsim/invquery"
)

// inventoryParams are the simulated list parameters of
// /inventory/managedObjects; any other is refused with 422 by name.
var inventoryParams = []string{"type", "fragmentType", "owner", "ids", "text", "query", "q",
	"withParents", "withChildren"}

// GET /inventory/managedObjects: type, fragmentType, owner, ids (comma
// list), text (any string property equal to it: the OpenAPI wording;
// medium confidence), query (the query language, see invquery), q (the
// same with an implicit has(c8y_IsDevice), as the OpenAPI describes it),
// withParents, withChildren. All given filters must hold (guess: the
// platform may ignore some parameters next to query).
func (s *Sim) listManagedObjects(w http.ResponseWriter, r *http.Request) {
	a := s.user(w, r)
	if a == nil || !checkAccept(w, r, moType+"Collection") {
		return
	}
	if !a.isDevice() && !a.has(RoleInventoryRead) {
		writeForbidden(w)
		return
	}
	if !checkParams(w, r, inventoryParams...) {
		return
	}
	cur, size, ok := page(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	var filters []invquery.Node
	var order []invquery.OrderKey
	for _, p := range []string{"query", "q"} {
		text := q.Get(p)
		if text == "" {
			continue
		}
		n, keys, err := invquery.Parse(text)
		if err != nil {
			writeError(w, http.StatusUnprocessableEntity, "tenantsim/queryNotSimulated",
				p+": "+err.Error()+" (query "+text+")")
			return
		}
		if n != nil {
			filters = append(filters, n)
		}
		if p == "q" {
			filters = append(filters, invquery.Has("c8y_IsDevice"))
		}
		order = append(order, keys...)
	}
	for _, kv := range [][2]string{{"type", "type"}, {"owner", "owner"}} {
		if v := q.Get(kv[0]); v != "" {
			filters = append(filters, qexact{field: kv[1], value: v})
		}
	}
	if f := q.Get("fragmentType"); f != "" {
		filters = append(filters, invquery.Has(f))
	}
	var ids []string
	if v := q.Get("ids"); v != "" {
		for _, id := range strings.Split(v, ",") {
			if id = strings.TrimSpace(id); id != "" {
				ids = append(ids, id)
			}
		}
	}
	text := q.Get("text")
	s.mu.Lock()
	var found []map[string]any
	for _, mo := range s.mos {
		if !canRead(a, mo) || (ids != nil && !slices.Contains(ids, str(mo, "id"))) ||
			(text != "" && !anyStringEquals(mo, text)) {
			continue
		}
		all := true
		for _, f := range filters {
			if !f.Match(lockedGroups{s}, mo) {
				all = false
				break
			}
		}
		if all {
			found = append(found, mo)
		}
	}
	sortManagedObjects(found, order)
	items := make([]map[string]any, 0, len(found))
	for _, mo := range found {
		items = append(items, s.moBodyLocked(r, mo))
	}
	s.mu.Unlock()
	writeJSON(w, r, http.StatusOK, moType+"Collection", collection(r, "managedObjects", items, cur, size))
}

// qexact: type=... and owner=... match exactly (no wildcards).
type qexact struct{ field, value string }

func (n qexact) Match(_ invquery.Groups, mo map[string]any) bool { return str(mo, n.field) == n.value }

// anyStringEquals reports whether a string property (at any depth) equals text.
func anyStringEquals(v any, text string) bool {
	switch x := v.(type) {
	case string:
		return x == text
	case map[string]any:
		for k, e := range x {
			if k != "self" && anyStringEquals(e, text) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if anyStringEquals(e, text) {
				return true
			}
		}
	}
	return false
}

// sortManagedObjects orders by the $orderby keys, then by id.
func sortManagedObjects(mos []map[string]any, keys []invquery.OrderKey) {
	slices.SortFunc(mos, func(a, b map[string]any) int {
		for _, k := range keys {
			var c int
			if k.Field == "id" {
				c = byNumber(str(a, "id"), str(b, "id"))
			} else {
				c = cmp.Compare(str(a, k.Field), str(b, k.Field))
			}
			if k.Desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return byNumber(str(a, "id"), str(b, "id"))
	})
}

// lockedGroups answers a query's bygroupid under the lock the caller holds.
type lockedGroups struct{ s *Sim }

func (g lockedGroups) ChildAssets(id string) []string { return g.s.childrenLocked(id, "childAssets") }
