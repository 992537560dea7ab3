package tenantsim

import (
	"slices"
	"strings"
)

// What a connector's filters select (the forwarding's side of them).

// copyFragments keeps keep plus the fragments a filter copies (nil: all).
func copyFragments(m map[string]any, frags []string, keep ...string) map[string]any {
	if frags == nil {
		return deepCopy(m)
	}
	out := map[string]any{}
	for _, k := range append(keep, frags...) {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	return deepCopy(out)
}

// filterView is one decoded filter.
type filterView struct {
	apis                    []string
	sourceID, groupID, typ  string
	fragsToFilter, fragsCpy []string
}

func decodeFilters(list []any) []filterView {
	var out []filterView
	for _, x := range list {
		m, _ := x.(map[string]any)
		fv := filterView{sourceID: anyID(m["sourceId"]), groupID: anyID(m["deviceGroupId"]), typ: strings.TrimSpace(anyString(m["typeFilter"]))}
		for _, a := range asStrings(m["apis"]) {
			fv.apis = append(fv.apis, a)
		}
		fv.fragsToFilter = asStrings(m["fragmentsToFilter"])
		if v, ok := m["fragmentsToCopy"]; ok && v != nil {
			fv.fragsCpy = asStrings(v)
			if fv.fragsCpy == nil {
				fv.fragsCpy = []string{}
			}
		}
		out = append(out, fv)
	}
	return out
}

func asStrings(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		if s := anyString(x); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (fv filterView) has(api string) bool {
	return slices.Contains(fv.apis, api) || slices.Contains(fv.apis, "*")
}

// selectsLocked reports whether the filter selects an item of source
// srcID (with item's type and fragments). Callers hold s.mu.
func (s *Sim) selectsLocked(fv filterView, srcID string, item map[string]any) bool {
	switch {
	case fv.sourceID != "" && fv.sourceID != srcID:
		return false
	case fv.groupID != "" && !s.underGroupLocked(srcID, fv.groupID, 0):
		return false
	case fv.typ != "" && anyString(item["type"]) != fv.typ:
		return false
	}
	for _, frag := range fv.fragsToFilter {
		if _, ok := item[frag]; !ok {
			return false
		}
	}
	return true
}

// underGroupLocked: id is a child asset of group or of one of its
// subgroups (depth bounded).
func (s *Sim) underGroupLocked(id, group string, depth int) bool {
	if depth > 10 {
		return false
	}
	for _, child := range s.childrenLocked(group, "childAssets") {
		if child == id || s.underGroupLocked(id, child, depth+1) {
			return true
		}
	}
	return false
}

func mapOf(v any) map[string]any { m, _ := v.(map[string]any); return m }
