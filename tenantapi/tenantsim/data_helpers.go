package tenantsim

import "errors"

// In-process helpers for the demo and the other simulations (Data Broker,
// remote access): they store and read events, alarms and measurements
// exactly as the HTTP API does (same validation, alarm de-duplication,
// Watch notifications), without permission checks. Objects come back as
// copies without "self" links.

// CreateEvent records an event of typ on the source object and returns its
// id. fragments may add custom fragments and a "time" (ISO 8601; default:
// the Sim's clock).
func (s *Sim) CreateEvent(sourceID, typ, text string, fragments map[string]any) (string, error) {
	in := s.helperInput(sourceID, typ, fragments)
	in["text"] = text
	return s.createByHelper(eventKind, in)
}

// CreateAlarm raises an alarm (severity CRITICAL, MAJOR, MINOR or
// WARNING; status ACTIVE unless fragments say otherwise) and returns its
// id. Like the platform it de-duplicates: while an ACTIVE or ACKNOWLEDGED
// alarm of the same source and type exists, that one's count goes up and
// its id is returned.
func (s *Sim) CreateAlarm(sourceID, typ, text, severity string, fragments map[string]any) (string, error) {
	in := s.helperInput(sourceID, typ, fragments)
	in["text"], in["severity"] = text, severity
	return s.createByHelper(alarmKind, in)
}

// CreateMeasurement records a measurement; fragments carry the series,
// e.g. {"c8y_Temperature":{"T":{"value":21.5,"unit":"C"}}}.
func (s *Sim) CreateMeasurement(sourceID, typ string, fragments map[string]any) (string, error) {
	return s.createByHelper(measurementKind, s.helperInput(sourceID, typ, fragments))
}

// SetAlarmStatus moves an alarm to ACTIVE, ACKNOWLEDGED or CLEARED.
func (s *Sim) SetAlarmStatus(id, status string) error {
	s.mu.Lock()
	rec := s.data[APIAlarm][id]
	if rec == nil {
		s.mu.Unlock()
		return errors.New("tenantsim: no alarm " + id)
	}
	if p := s.updateRecordLocked(alarmKind, rec, map[string]any{"status": status}); p != nil {
		s.mu.Unlock()
		return errors.New("tenantsim: " + p.msg)
	}
	s.changedLocked(APIAlarm, ActionUpdate, id, rec.body)
	s.mu.Unlock()
	s.flush()
	return nil
}

// Events lists matching events, oldest first (by time, then creation).
func (s *Sim) Events(f Filter) []map[string]any { return s.listByHelper(eventKind, f) }

// Alarms lists matching alarms, oldest first.
func (s *Sim) Alarms(f Filter) []map[string]any { return s.listByHelper(alarmKind, f) }

// Measurements lists matching measurements, oldest first.
func (s *Sim) Measurements(f Filter) []map[string]any { return s.listByHelper(measurementKind, f) }

func (s *Sim) helperInput(sourceID, typ string, fragments map[string]any) map[string]any {
	in := deepCopy(fragments)
	in["source"] = map[string]any{"id": sourceID}
	in["type"] = typ
	if _, has := in["time"]; !has {
		in["time"] = s.now()
	}
	return in
}

func (s *Sim) createByHelper(k *kind, in map[string]any) (string, error) {
	s.mu.Lock()
	rec, action, p := s.createRecordLocked(k, in, nil)
	if p != nil {
		s.mu.Unlock()
		return "", errors.New("tenantsim: cannot create the " + k.api + ": " + p.msg)
	}
	id := str(rec.body, "id")
	s.changedLocked(k.api, action, id, rec.body)
	s.mu.Unlock()
	s.flush()
	return id, nil
}

func (s *Sim) listByHelper(k *kind, f Filter) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	recs := s.listRecordsLocked(k, f, nil)
	out := make([]map[string]any, 0, len(recs))
	for _, rec := range recs {
		out = append(out, deepCopy(rec.body))
	}
	return out
}
