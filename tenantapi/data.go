package tenantapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
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

// Event is an event of a managed object (its source).
type Event struct {
	ID        string
	SourceID  string
	Type      string
	Text      string
	Time      time.Time      // when it happened; zero on create = now
	Fragments map[string]any // custom fragments to send; on answers the whole object
}

// Alarm is an alarm of a managed object. The tenant de-duplicates: while
// an ACTIVE or ACKNOWLEDGED alarm of the same source and type exists, a
// new one only raises its Count.
type Alarm struct {
	ID        string
	SourceID  string
	Type      string
	Text      string
	Severity  string // CRITICAL, MAJOR, MINOR, WARNING
	Status    string // ACTIVE (default on create), ACKNOWLEDGED, CLEARED
	Count     int
	Time      time.Time
	Fragments map[string]any
}

// Measurement is a measurement of a managed object; Fragments hold the
// series, e.g. {"c8y_Temperature":{"T":{"value":21.5,"unit":"C"}}}.
type Measurement struct {
	ID        string
	SourceID  string
	Type      string
	Time      time.Time
	Fragments map[string]any
}

// DataQuery filters a listing of events, alarms or measurements; zero
// fields are not sent.
type DataQuery struct {
	Source       string // managed object id
	Type         string
	FragmentType string
	DateFrom     time.Time
	DateTo       time.Time
	Revert       bool   // the other order (see the platform's docs for each API)
	Status       string // alarms: e.g. "ACTIVE" or "ACTIVE,ACKNOWLEDGED"
	Severity     string // alarms
	// measurements
	ValueFragmentType, ValueFragmentSeries string

	PageSize int // per request; default 100, at most 2000
	MaxItems int // over all pages; default DefaultMaxItems
}

func (q DataQuery) values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("source", q.Source)
	set("type", q.Type)
	set("fragmentType", q.FragmentType)
	set("status", q.Status)
	set("severity", q.Severity)
	set("valueFragmentType", q.ValueFragmentType)
	set("valueFragmentSeries", q.ValueFragmentSeries)
	setRange(v, q.DateFrom, q.DateTo, q.Revert)
	return v
}

// setRange sets what dated listings (data, operations) share: dateFrom and
// dateTo when not zero, revert when asked.
func setRange(v url.Values, from, to time.Time, revert bool) {
	if !from.IsZero() {
		v.Set("dateFrom", wireTime(from))
	}
	if !to.IsZero() {
		v.Set("dateTo", wireTime(to))
	}
	if revert {
		v.Set("revert", "true")
	}
}

// wireTime is the platform's date-time form (UTC, milliseconds).
func wireTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

// wireBody builds a create body: custom fragments, then the known fields.
func wireBody(frag map[string]any, sourceID, typ string, at time.Time) map[string]any {
	body := map[string]any{}
	for k, v := range frag {
		body[k] = v
	}
	if at.IsZero() {
		at = time.Now()
	}
	body["source"] = map[string]string{"id": sourceID}
	body["type"] = typ
	body["time"] = wireTime(at)
	return body
}

// dataFields reads the fields the three share from a decoded object.
func dataFields(m map[string]any) (id, source, typ, text string, at time.Time) {
	s := func(k string) string { v, _ := m[k].(string); return v }
	src, _ := m["source"].(map[string]any)
	srcID, _ := src["id"].(string)
	at, _ = time.Parse(time.RFC3339Nano, s("time"))
	return s("id"), srcID, s("type"), s("text"), at
}

// UnmarshalJSON keeps every fragment besides the known fields.
func (e *Event) UnmarshalJSON(data []byte) error {
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	*e = Event{Fragments: m}
	e.ID, e.SourceID, e.Type, e.Text, e.Time = dataFields(m)
	return nil
}

// UnmarshalJSON keeps every fragment besides the known fields.
func (a *Alarm) UnmarshalJSON(data []byte) error {
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	*a = Alarm{Fragments: m}
	a.ID, a.SourceID, a.Type, a.Text, a.Time = dataFields(m)
	a.Severity, _ = m["severity"].(string)
	a.Status, _ = m["status"].(string)
	if n, ok := m["count"].(float64); ok {
		a.Count = int(n)
	}
	return nil
}

// UnmarshalJSON keeps every fragment besides the known fields.
func (ms *Measurement) UnmarshalJSON(data []byte) error {
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	*ms = Measurement{Fragments: m}
	ms.ID, ms.SourceID, ms.Type, _, ms.Time = dataFields(m)
	return nil
}

func checkSource(what, sourceID, typ string) error {
	if sourceID == "" || typ == "" {
		return fmt.Errorf("tenantapi: a %s needs a source and a type", what)
	}
	return nil
}

// CreateEvent records an event and returns it as stored.
func (c *Client) CreateEvent(ctx context.Context, cr Credentials, e Event) (*Event, error) {
	if err := checkSource("event", e.SourceID, e.Type); err != nil {
		return nil, err
	}
	body := wireBody(e.Fragments, e.SourceID, e.Type, e.Time)
	body["text"] = e.Text
	var out Event
	if _, err := c.do(ctx, call{method: http.MethodPost, path: "/event/events", cr: &cr, media: "event", body: body, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateAlarm raises an alarm (Status ACTIVE unless set) and returns it as
// the tenant stored it: after de-duplication that is the existing alarm
// with its Count raised.
func (c *Client) CreateAlarm(ctx context.Context, cr Credentials, a Alarm) (*Alarm, error) {
	if err := checkSource("alarm", a.SourceID, a.Type); err != nil {
		return nil, err
	}
	body := wireBody(a.Fragments, a.SourceID, a.Type, a.Time)
	body["text"], body["severity"] = a.Text, a.Severity
	if a.Status != "" {
		body["status"] = a.Status
	}
	var out Alarm
	if _, err := c.do(ctx, call{method: http.MethodPost, path: "/alarm/alarms", cr: &cr, media: "alarm", body: body, out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateAlarmStatus acknowledges or clears an alarm (or makes it ACTIVE again).
func (c *Client) UpdateAlarmStatus(ctx context.Context, cr Credentials, id, status string) error {
	_, err := c.do(ctx, call{method: http.MethodPut, path: "/alarm/alarms/" + url.PathEscape(id), cr: &cr,
		media: "alarm", body: map[string]string{"status": status}})
	return err
}

// CreateMeasurement records a measurement and returns it as stored.
func (c *Client) CreateMeasurement(ctx context.Context, cr Credentials, m Measurement) (*Measurement, error) {
	if err := checkSource("measurement", m.SourceID, m.Type); err != nil {
		return nil, err
	}
	var out Measurement
	if _, err := c.do(ctx, call{method: http.MethodPost, path: "/measurement/measurements", cr: &cr, media: "measurement",
		body: wireBody(m.Fragments, m.SourceID, m.Type, m.Time), out: &out}); err != nil {
		return nil, err
	}
	return &out, nil
}

// Events lists events over as many pages as needed (up to q.MaxItems).
func (c *Client) Events(ctx context.Context, cr Credentials, q DataQuery) ([]Event, error) {
	return listAll[Event](ctx, c, getCall("/event/events", &cr, "eventCollection", q.values()), "events", q.PageSize, q.MaxItems)
}

// Alarms lists alarms over as many pages as needed (up to q.MaxItems).
func (c *Client) Alarms(ctx context.Context, cr Credentials, q DataQuery) ([]Alarm, error) {
	return listAll[Alarm](ctx, c, getCall("/alarm/alarms", &cr, "alarmCollection", q.values()), "alarms", q.PageSize, q.MaxItems)
}

// Measurements lists measurements over as many pages as needed (up to q.MaxItems).
func (c *Client) Measurements(ctx context.Context, cr Credentials, q DataQuery) ([]Measurement, error) {
	return listAll[Measurement](ctx, c, getCall("/measurement/measurements", &cr, "measurementCollection", q.values()),
		"measurements", q.PageSize, q.MaxItems)
}
