package databroker

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/edge-setup/edge-setup/steps/safetext"
	wire "github.com/edge-setup/edge-setup/tenantapi/databroker"
)

// MaxTitle bounds a connector's title (the platform's limit is not
// public; the UI's field shows about this much).
const MaxTitle = 100

// ValidateTitle: not empty, one line, at most MaxTitle characters.
func ValidateTitle(in string) (string, error) {
	t := strings.TrimSpace(in)
	switch {
	case t == "":
		return "", errors.New("the connector needs a title: the cloud tenant shows it on the data subscription (e.g. \"Edge line 1\")")
	case !safetext.Safe(t):
		return "", errors.New("the title holds control characters: type letters, digits, blanks and punctuation only")
	case utf8.RuneCountInString(t) > MaxTitle:
		return "", fmt.Errorf("the title is %d characters long: keep it to %d", utf8.RuneCountInString(t), MaxTitle)
	}
	return t, nil
}

// ValidateDescription: optional, one line, at most 500 characters.
func ValidateDescription(in string) (string, error) {
	t := strings.TrimSpace(in)
	if !safetext.Safe(t) {
		return "", errors.New("the description holds control characters: type letters, digits, blanks and punctuation only")
	}
	if n := utf8.RuneCountInString(t); n > 500 {
		return "", fmt.Errorf("the description is %d characters long: keep it to 500", n)
	}
	return t, nil
}

// shareWords maps what the operator may type to the API names. Operations
// are not offered: they come back from the cloud, and on an Edge the Data
// Broker does not synchronise them.
var shareWords = map[string]string{
	"m": wire.APIMeasurement, "measurement": wire.APIMeasurement, "measurements": wire.APIMeasurement,
	"a": wire.APIAlarm, "alarm": wire.APIAlarm, "alarms": wire.APIAlarm,
	"e": wire.APIEvent, "event": wire.APIEvent, "events": wire.APIEvent,
	"o": wire.APIManagedObject, "managedobject": wire.APIManagedObject, "managedobjects": wire.APIManagedObject,
	"inventory": wire.APIManagedObject, "devices": wire.APIManagedObject,
}

// AllShares are the APIs "all" stands for, in the order they are shown.
var AllShares = []string{wire.APIManagedObject, wire.APIMeasurement, wire.APIEvent, wire.APIAlarm}

// ParseShare reads what to share: words or letters separated by commas or
// blanks ("measurements, alarms", "m a", "ma"), or "all". At least one is
// needed; the answer is the canonical comma-separated list.
func ParseShare(in string) (string, error) {
	apis, err := parseShare(in)
	if err != nil {
		return "", err
	}
	return strings.Join(apis, ","), nil
}

func parseShare(in string) ([]string, error) {
	s := strings.ToLower(strings.TrimSpace(in))
	if s == "" {
		return nil, errors.New("choose at least one thing to share: measurements (m), alarms (a), events (e), managed objects (o), or all")
	}
	if s == "all" || s == "*" {
		return slices.Clone(AllShares), nil
	}
	s = strings.ReplaceAll(s, "managed object", "managedobject") // as ShareWords writes it
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
	if len(fields) == 1 && len(fields[0]) > 1 && shareWords[fields[0]] == "" && strings.Trim(fields[0], "maeo") == "" {
		fields = strings.Split(fields[0], "") // "ma" = m, a
	}
	var out []string
	for _, f := range fields {
		f = strings.ReplaceAll(f, " ", "")
		api := shareWords[f]
		if f == "operation" || f == "operations" {
			return nil, errors.New("operations cannot be shared from an Edge: they come back from the cloud, and the Edge's Data Broker does not synchronise them")
		}
		if api == "" {
			return nil, fmt.Errorf("%q is not something a connector shares: write measurements, alarms, events, managed objects (or m, a, e, o), or all", safeLine(f))
		}
		if !slices.Contains(out, api) {
			out = append(out, api)
		}
	}
	if len(out) == 0 { // "," or ";": separators only
		return nil, errors.New("choose at least one thing to share: measurements (m), alarms (a), events (e), managed objects (o), or all")
	}
	// Keep one order whatever was typed, so a rerun compares equal.
	slices.SortFunc(out, func(a, b string) int { return slices.Index(AllShares, a) - slices.Index(AllShares, b) })
	return out, nil
}

// ParseFragments reads "fragments to copy": blank or "all" copies every
// fragment (nil); otherwise a comma-separated list of fragment names.
func ParseFragments(in string) ([]string, error) {
	s := strings.TrimSpace(in)
	if s == "" || strings.EqualFold(s, "all") {
		return nil, nil
	}
	var out []string
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !validFragment(f) {
			return nil, fmt.Errorf("%q is not a fragment name: use letters, digits, _ and - (e.g. c8y_Temperature), separated by commas", safeLine(f))
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// ValidateType: blank (every type) or one type name.
func ValidateType(in string) (string, error) {
	t := strings.TrimSpace(in)
	if t != "" && !validFragment(t) {
		return "", fmt.Errorf("%q is not a type name: use letters, digits, _ and - (e.g. c8y_Temperature)", safeLine(t))
	}
	return t, nil
}

func validFragment(s string) bool {
	if len(s) > 128 {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r == '-' || r == '.' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')) {
			return false
		}
	}
	return true
}

// Scope is whose data a connector shares: all devices, one group or one device.
type Scope struct {
	Kind string // "all", "group", "device"
	ID   string
	Name string
}

// String is the canonical answer: "all", "group <id>" or "device <id>".
func (s Scope) String() string {
	if s.Kind == "" || s.Kind == "all" {
		return "all"
	}
	return s.Kind + " " + s.ID
}

// Describe is the scope in words.
func (s Scope) Describe() string {
	if s.Kind == "" || s.Kind == "all" {
		return "all devices of the Edge"
	}
	return s.Kind + " " + safeLine(s.Name) + " (" + safeLine(s.ID) + ")"
}

// ScopeAll is every device of the Edge.
var ScopeAll = Scope{Kind: "all"}

// PickScope resolves what the operator typed against the Edge's devices
// and groups: "all" (or blank), or a name (case-insensitive) or id. A name
// two objects share is refused with their ids.
func PickScope(in string, devices, groups []wire.Object) (Scope, error) {
	s := strings.TrimSpace(in)
	if s == "" || strings.EqualFold(s, "all") {
		return ScopeAll, nil
	}
	// The canonical answer ("group 123", "device 456") reads back as itself.
	if kind, id, ok := strings.Cut(s, " "); ok && (kind == "group" || kind == "device") {
		list := devices
		if kind == "group" {
			list = groups
		}
		for _, o := range list {
			if o.ID == id {
				return Scope{Kind: kind, ID: o.ID, Name: o.Name}, nil
			}
		}
	}
	var hits []Scope
	for _, g := range groups {
		if strings.EqualFold(g.Name, s) || g.ID == s {
			hits = append(hits, Scope{Kind: "group", ID: g.ID, Name: g.Name})
		}
	}
	for _, d := range devices {
		if strings.EqualFold(d.Name, s) || d.ID == s {
			hits = append(hits, Scope{Kind: "device", ID: d.ID, Name: d.Name})
		}
	}
	switch len(hits) {
	case 1:
		return hits[0], nil
	case 0:
		var names []string
		for _, g := range groups {
			names = append(names, "group "+safeLine(g.Name))
		}
		for _, d := range devices {
			names = append(names, safeLine(d.Name))
		}
		if len(names) > 8 {
			names = append(names[:8], "…")
		}
		hint := "the Edge has no devices yet"
		if len(names) > 0 {
			hint = "the Edge has " + strings.Join(names, ", ")
		}
		return Scope{}, fmt.Errorf("no device or group of the Edge is called %q (%s): type its name or id, or all", safeLine(s), hint)
	}
	var ids []string
	for _, h := range hits {
		ids = append(ids, h.Kind+" "+safeLine(h.ID))
	}
	return Scope{}, fmt.Errorf("%q names %d objects (%s): type the id of the one you mean", safeLine(s), len(hits), strings.Join(ids, ", "))
}

// Wanted is a connector as the operator (or an answers file) wants it.
type Wanted struct {
	Title       string
	Description string
	Share       []string // API names
	Scope       Scope
	Fragments   []string // nil: all
	Type        string
	Target      string // the cloud URL
}

// NewWanted checks the parts together: at least one filter, a target.
func NewWanted(title, description, share string, scope Scope, fragments []string, typ, target string) (Wanted, error) {
	apis, err := parseShare(share)
	if err != nil {
		return Wanted{}, err
	}
	if target == "" {
		return Wanted{}, errors.New("no cloud URL is configured: choose 7 (Configure Edge Agent) and enter the cloud tenant's URL first")
	}
	return Wanted{Title: title, Description: description, Share: apis, Scope: scope, Fragments: fragments, Type: typ, Target: target}, nil
}

// Filters is the wanted connector's filter list (one filter).
func (w Wanted) Filters() []wire.Filter {
	f := wire.Filter{APIs: slices.Clone(w.Share), FragmentsToCopy: w.Fragments, TypeFilter: w.Type}
	switch w.Scope.Kind {
	case "group":
		f.DeviceGroupID = w.Scope.ID
	case "device":
		f.SourceID = w.Scope.ID
	}
	return []wire.Filter{f}
}

// CheckAgainst explains, in the platform's words, why the Edge would
// refuse the wanted connector next to the existing ones (a duplicate
// title or target); nil when it would not.
func (w Wanted) CheckAgainst(existing []wire.Connector) error {
	for _, c := range existing {
		switch {
		case c.Name == w.Title:
			return fmt.Errorf("a connector called %q exists already on the Edge (the platform says \"Duplicated connector for name %s!\"): choose another title, or delete that connector first",
				safeLine(c.Name), safeLine(c.Name))
		case sameURL(c.InstanceURL, w.Target):
			return fmt.Errorf("connector %q already shares this Edge's data with %s (the platform says \"Duplicated connector for instanceUrl %s!\"): one connector per cloud tenant; edit, suspend or delete that one",
				safeLine(c.Name), safeLine(w.Target), safeLine(c.InstanceURL))
		}
	}
	return nil
}

func sameURL(a, b string) bool {
	return strings.EqualFold(strings.TrimRight(a, "/"), strings.TrimRight(b, "/"))
}
