package tenantsim

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"
)

// The three data APIs (events, alarms, measurements) share one store and
// one set of handlers; a kind says where they differ.
type kind struct {
	api                 string // APIEvent, APIAlarm, APIMeasurement; also the media type's name
	path, key           string // collection path and the key of its items
	readRole, adminRole string
	required            []string // string fields a create must carry besides source and time
	filters             []string // simulated query parameters besides paging
	// rangeNewestFirst: a range query (dateFrom or dateTo given) lists the
	// newest first unless revert=true. Without it (measurements, and any
	// query without a range) the oldest come first and revert=true turns
	// the order round. Source: the Apama Cumulocity transport docs ("the
	// latest events are returned first ... in case of a range query ...
	// different from measurements and operations"). Guess: alarms are
	// ordered like events (not checked against a source).
	rangeNewestFirst bool
	updatable        bool // PUT is served (events, alarms; the platform has none for measurements)
}

var (
	commonDataFilters = []string{"source", "type", "fragmentType", "dateFrom", "dateTo", "revert"}

	eventKind = &kind{api: APIEvent, path: "/event/events", key: "events",
		readRole: RoleEventRead, adminRole: RoleEventAdmin,
		required: []string{"type", "text"}, filters: commonDataFilters, rangeNewestFirst: true,
		updatable: true}
	alarmKind = &kind{api: APIAlarm, path: "/alarm/alarms", key: "alarms",
		readRole: RoleAlarmRead, adminRole: RoleAlarmAdmin,
		required: []string{"type", "text", "severity"}, filters: append(slices.Clone(commonDataFilters), "status", "severity"),
		rangeNewestFirst: true, updatable: true}
	measurementKind = &kind{api: APIMeasurement, path: "/measurement/measurements", key: "measurements",
		readRole: RoleMeasurementRead, adminRole: RoleMeasurementAdmin,
		required: []string{"type"}, filters: append(slices.Clone(commonDataFilters), "valueFragmentType", "valueFragmentSeries")}
)

// Alarm severities and statuses on the wire.
const (
	SeverityCritical = "CRITICAL"
	SeverityMajor    = "MAJOR"
	SeverityMinor    = "MINOR"
	SeverityWarning  = "WARNING"

	AlarmActive       = "ACTIVE"
	AlarmAcknowledged = "ACKNOWLEDGED"
	AlarmCleared      = "CLEARED"
)

var (
	severities    = []string{SeverityCritical, SeverityMajor, SeverityMinor, SeverityWarning}
	alarmStatuses = []string{AlarmActive, AlarmAcknowledged, AlarmCleared}
)

// record is one stored event, alarm or measurement.
type record struct {
	seq  int64     // creation order
	at   time.Time // its "time"
	body map[string]any
}

func (rec *record) sourceID() string {
	src, _ := rec.body["source"].(map[string]any)
	return str(src, "id")
}

// recordFields the platform owns: a client cannot set them (ignored).
var recordFields = []string{"id", "self", "creationTime", "lastUpdated", "count", "firstOccurrenceTime", "history"}

// problem is a refusal: the status and message to answer with.
type problem struct {
	status int
	msg    string
}

func refuse(status int, msg string) *problem { return &problem{status, msg} }

// createRecordLocked validates in and stores it (alarms may instead be
// counted into an existing one). a is the creator; nil for the Sim's own
// helpers (no permission check). Callers hold s.mu.
func (s *Sim) createRecordLocked(k *kind, in map[string]any, a *account) (rec *record, action string, p *problem) {
	for _, f := range recordFields {
		delete(in, f)
	}
	src, _ := in["source"].(map[string]any)
	srcID := idString(src["id"])
	if srcID == "" {
		return nil, "", refuse(http.StatusUnprocessableEntity, "source: may not be null.")
	}
	mo := s.mos[srcID]
	if mo == nil {
		// Guess: the platform's exact status and words for an unknown source are not public.
		return nil, "", refuse(http.StatusUnprocessableEntity, "source: no managed object with id '"+srcID+"'.")
	}
	if a != nil && !(!a.isDevice() && a.has(k.adminRole)) && mo["owner"] != a.name {
		return nil, "", refuse(http.StatusForbidden, "Access is denied")
	}
	for _, f := range k.required {
		if v, _ := in[f].(string); v == "" {
			return nil, "", refuse(http.StatusUnprocessableEntity, f+": may not be null.")
		}
	}
	tv, _ := in["time"].(string)
	at, ok := parseTime(tv)
	if tv == "" || !ok {
		return nil, "", refuse(http.StatusUnprocessableEntity, "time: may not be null and must be an ISO 8601 date-time.")
	}
	now := s.now()
	in["source"] = sourceRef(srcID, mo)
	in["creationTime"], in["lastUpdated"] = now, now
	if k == alarmKind {
		if !slices.Contains(severities, str(in, "severity")) {
			return nil, "", refuse(http.StatusUnprocessableEntity, "severity: must be one of CRITICAL, MAJOR, MINOR, WARNING.")
		}
		if str(in, "status") == "" {
			in["status"] = AlarmActive
		}
		if !slices.Contains(alarmStatuses, str(in, "status")) {
			return nil, "", refuse(http.StatusUnprocessableEntity, "status: must be one of ACTIVE, ACKNOWLEDGED, CLEARED.")
		}
		if old := s.openAlarmLocked(srcID, str(in, "type")); old != nil && in["status"] != AlarmCleared {
			// De-duplication (platform docs, "Alarm de-duplication"): an ACTIVE
			// or ACKNOWLEDGED alarm of the same source and type is not created
			// again; its count goes up and its time moves on, other changes are
			// ignored. Guess: the answer is 201 with the existing alarm.
			n, _ := old.body["count"].(int64)
			old.body["count"] = n + 1
			old.body["time"], old.at = tv, at
			old.body["lastUpdated"] = now
			return old, ActionUpdate, nil
		}
		in["count"], in["firstOccurrenceTime"] = int64(1), tv
	}
	id := s.nextID()
	in["id"] = id
	rec = &record{seq: s.seq, at: at, body: in}
	if s.data[k.api] == nil {
		s.data[k.api] = map[string]*record{}
	}
	s.data[k.api][id] = rec
	return rec, ActionCreate, nil
}

// openAlarmLocked is the ACTIVE or ACKNOWLEDGED alarm of source and type.
func (s *Sim) openAlarmLocked(srcID, typ string) *record {
	for _, rec := range s.data[APIAlarm] {
		if rec.sourceID() == srcID && rec.body["type"] == typ && rec.body["status"] != AlarmCleared {
			return rec
		}
	}
	return nil
}

// updateRecordLocked applies a PUT: text, custom fragments (null removes
// one) and for alarms status and severity; the rest is ignored (guess: the platform
// refuses changes of source or type, but its answer is not public).
func (s *Sim) updateRecordLocked(k *kind, rec *record, in map[string]any) *problem {
	if k == alarmKind {
		if v, has := in["severity"]; has && !slices.Contains(severities, toString(v)) {
			return refuse(http.StatusUnprocessableEntity, "severity: must be one of CRITICAL, MAJOR, MINOR, WARNING.")
		}
		if v, has := in["status"]; has && !slices.Contains(alarmStatuses, toString(v)) {
			return refuse(http.StatusUnprocessableEntity, "status: must be one of ACTIVE, ACKNOWLEDGED, CLEARED.")
		}
	}
	for key, v := range in {
		if slices.Contains(recordFields, key) || key == "source" || key == "type" || key == "time" {
			continue
		}
		if v == nil {
			delete(rec.body, key)
		} else {
			rec.body[key] = v
		}
	}
	rec.body["lastUpdated"] = s.now()
	return nil
}

func sourceRef(id string, mo map[string]any) map[string]any {
	ref := map[string]any{"id": id}
	// Guess: the platform adds the source's name (recollection, not verified).
	if n := str(mo, "name"); n != "" {
		ref["name"] = n
	}
	return ref
}

// idString reads an id sent as a JSON string or number.
func idString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	}
	return ""
}

func toString(v any) string { s, _ := v.(string); return s }

// Filter selects events, alarms or measurements; zero fields match all.
type Filter struct {
	Source       string    // managed object id of the source
	Type         string    // the "type" field
	FragmentType string    // objects carrying this fragment
	DateFrom     time.Time // "time" at or after this
	DateTo       time.Time // "time" before this
	Status       string    // alarms: one status or a comma-separated list
	Severity     string    // alarms: one severity or a comma-separated list
	// measurements: a fragment holding series (c8y_Temperature) and a
	// series in it (T); either may be given alone.
	ValueFragmentType, ValueFragmentSeries string
}

func (f *Filter) match(rec *record) bool {
	b := rec.body
	if (f.Source != "" && rec.sourceID() != f.Source) || (f.Type != "" && b["type"] != f.Type) ||
		!inRange(rec.at, f.DateFrom, f.DateTo) ||
		!oneOf(str(b, "status"), f.Status) || !oneOf(str(b, "severity"), f.Severity) {
		return false
	}
	if f.FragmentType != "" {
		if _, has := b[f.FragmentType]; !has {
			return false
		}
	}
	if f.ValueFragmentType == "" && f.ValueFragmentSeries == "" {
		return true
	}
	for name, v := range b {
		frag, isObj := v.(map[string]any)
		if !isObj || (f.ValueFragmentType != "" && name != f.ValueFragmentType) {
			continue
		}
		if f.ValueFragmentSeries == "" {
			return true
		}
		if _, has := frag[f.ValueFragmentSeries]; has {
			return true
		}
	}
	return false
}

// listRecordsLocked returns the matching records oldest first (by time,
// then creation); visible filters by reader (nil = everything).
func (s *Sim) listRecordsLocked(k *kind, f Filter, visible func(*record) bool) []*record {
	var out []*record
	for _, rec := range s.data[k.api] {
		if f.match(rec) && (visible == nil || visible(rec)) {
			out = append(out, rec)
		}
	}
	slices.SortFunc(out, func(a, b *record) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return int(a.seq - b.seq)
	})
	return out
}
