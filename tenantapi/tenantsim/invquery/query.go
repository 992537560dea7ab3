// Package invquery is the inventory query language tenantsim answers, the
// subset clients use.
package invquery

import (
	"cmp"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// The inventory query language: eq and ne on
// name, type, id, owner and fragments (dotted paths such as
// c8y_Hardware.serialNumber; * wildcards in the value), has(fragment),
// bygroupid(id), and/or, parentheses, and $orderby on name, creationTime
// and id (asc/desc). Source: the platform's query language reference
// ("$filter=... $orderby=..."). Anything else is refused (422) rather than
// ignored, because ignoring a filter hands a client the whole inventory.

// Node is a parsed filter.
type Node interface {
	Match(g Groups, mo map[string]any) bool
}

// Groups answers bygroupid: the ids of a group's direct child assets
// (the tenant calls Match with its lock held).
type Groups interface {
	ChildAssets(groupID string) []string
}

// Has is the filter has(fragment).
func Has(fragment string) Node { return qhas{fragment} }

type qand struct{ l, r Node }
type qor struct{ l, r Node }
type qcmp struct {
	field, value string
	negate       bool
}
type qhas struct{ fragment string }
type qgroup struct{ id string }

func (n qand) Match(g Groups, mo map[string]any) bool { return n.l.Match(g, mo) && n.r.Match(g, mo) }
func (n qor) Match(g Groups, mo map[string]any) bool  { return n.l.Match(g, mo) || n.r.Match(g, mo) }
func (n qhas) Match(_ Groups, mo map[string]any) bool { _, ok := lookup(mo, n.fragment); return ok }
func (n qgroup) Match(g Groups, mo map[string]any) bool {
	// Guess: direct children assets of the group (whether the platform
	// also matches deeper levels is not public).
	return slices.Contains(g.ChildAssets(n.id), idOf(mo))
}

func (n qcmp) Match(_ Groups, mo map[string]any) bool {
	v, ok := lookup(mo, n.field)
	hit := ok && valueMatches(v, n.value)
	return hit != n.negate
}

// idField maps the query language's _id to the id the objects carry.
func idField(f string) string {
	if f == "_id" {
		return "id"
	}
	return f
}

// qidOrder is "_id gt 'N'" or "_id lt 'N'", compared as numbers: the
// paging of go-c8y-cli's --includeAll ($filter=(_id gt 'last') $orderby=_id).
type qidOrder struct {
	value   string
	greater bool
}

func (n qidOrder) Match(_ Groups, mo map[string]any) bool {
	c := ByNumber(idOf(mo), n.value)
	return n.greater && c > 0 || !n.greater && c < 0
}

// lookup follows a dotted path through nested objects.
func lookup(mo map[string]any, field string) (any, bool) {
	var cur any = mo
	for _, part := range strings.Split(field, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// valueMatches compares a stored value with a query value: strings with
// * wildcards, numbers and booleans by their JSON text, arrays when any
// element matches.
func valueMatches(v any, want string) bool {
	switch x := v.(type) {
	case string:
		return wildcard(want, x)
	case []any:
		for _, e := range x {
			if valueMatches(e, want) {
				return true
			}
		}
		return false
	case nil:
		return want == "null"
	}
	data, _ := json.Marshal(v)
	return string(data) == want
}

// wildcard matches * in pattern against any run of characters; without a
// * it is plain equality (case-sensitive: guess).
func wildcard(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for i, p := range parts[1:] {
		if i == len(parts)-2 {
			return strings.HasSuffix(s, p)
		}
		j := strings.Index(s, p)
		if j < 0 {
			return false
		}
		s = s[j+len(p):]
	}
	return true
}

func idOf(mo map[string]any) string {
	id, _ := mo["id"].(string)
	return id
}

// ByNumber compares two ids as numbers (the platform's ids are numeric).
func ByNumber(a, b string) int {
	x, _ := strconv.ParseInt(a, 10, 64)
	y, _ := strconv.ParseInt(b, 10, 64)
	return cmp.Compare(x, y)
}
