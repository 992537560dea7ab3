package tenantapi

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

func TestEventsAlarmsMeasurementsAgainstSim(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	moID, err := e.c.CreateManagedObject(ctx, admin, map[string]any{"name": "pump"})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for i := range 7 {
		if _, err := e.c.CreateEvent(ctx, admin, Event{SourceID: moID, Type: "c8y_Tick", Text: "tick",
			Time: at.Add(time.Duration(i) * time.Minute), Fragments: map[string]any{"n": i}}); err != nil {
			t.Fatal(err)
		}
	}
	ev, err := e.c.CreateEvent(ctx, admin, Event{SourceID: moID, Type: "c8y_Door", Text: "open", Time: at})
	if err != nil || ev.ID == "" || ev.SourceID != moID || !ev.Time.Equal(at) || ev.Text != "open" {
		t.Fatalf("created %+v, %v", ev, err)
	}
	// Three pages of 3: the client follows them and stops by itself.
	e.sim.ResetLog()
	got, err := e.c.Events(ctx, admin, DataQuery{Source: moID, Type: "c8y_Tick", PageSize: 3})
	if err != nil || len(got) != 7 || got[0].Fragments["n"] != 0.0 || got[6].Fragments["n"] != 6.0 {
		t.Fatalf("events %d %v", len(got), err)
	}
	if n := e.sim.CountRequests("GET", "/event/events"); n != 3 {
		t.Fatalf("%d page requests for 7 items in pages of 3", n)
	}
	if got, _ := e.c.Events(ctx, admin, DataQuery{Type: "c8y_Tick", PageSize: 2, MaxItems: 3}); len(got) != 3 {
		t.Fatalf("MaxItems: %d", len(got))
	}
	got, err = e.c.Events(ctx, admin, DataQuery{DateFrom: at.Add(5 * time.Minute), DateTo: at.Add(time.Hour)})
	if err != nil || len(got) != 2 || got[0].Fragments["n"] != 6.0 {
		t.Fatalf("range (newest first): %v %v", got, err)
	}

	a1, err := e.c.CreateAlarm(ctx, admin, Alarm{SourceID: moID, Type: "c8y_Hot", Text: "hot", Severity: SeverityMajor})
	if err != nil || a1.Status != AlarmActive || a1.Count != 1 {
		t.Fatalf("alarm %+v %v", a1, err)
	}
	a2, err := e.c.CreateAlarm(ctx, admin, Alarm{SourceID: moID, Type: "c8y_Hot", Text: "hot", Severity: SeverityMajor})
	if err != nil || a2.ID != a1.ID || a2.Count != 2 {
		t.Fatalf("de-duplicated alarm %+v %v", a2, err)
	}
	if err := e.c.UpdateAlarmStatus(ctx, admin, a1.ID, AlarmCleared); err != nil {
		t.Fatal(err)
	}
	if got, err := e.c.Alarms(ctx, admin, DataQuery{Status: AlarmActive}); err != nil || len(got) != 0 {
		t.Fatalf("active alarms after clearing: %v %v", got, err)
	}
	if _, err := e.c.CreateAlarm(ctx, admin, Alarm{SourceID: moID, Type: "c8y_Hot", Text: "hot", Severity: "LOUD"}); errStatus(err) != 422 {
		t.Fatalf("bad severity: %v", err)
	}

	m, err := e.c.CreateMeasurement(ctx, admin, Measurement{SourceID: moID, Type: "c8y_Temperature",
		Fragments: map[string]any{"c8y_Temperature": map[string]any{"T": map[string]any{"value": 21.5, "unit": "C"}}}})
	if err != nil || m.ID == "" {
		t.Fatalf("measurement %+v %v", m, err)
	}
	ms, err := e.c.Measurements(ctx, admin, DataQuery{ValueFragmentType: "c8y_Temperature", ValueFragmentSeries: "T"})
	if err != nil || len(ms) != 1 || ms[0].ID != m.ID {
		t.Fatalf("measurements %v %v", ms, err)
	}
	if _, err := e.c.CreateMeasurement(ctx, admin, Measurement{Type: "x"}); err == nil {
		t.Fatal("a measurement without a source was sent")
	}
	if _, err := e.c.Events(ctx, reader, DataQuery{}); !errors.Is(err, ErrForbidden) {
		t.Fatalf("reader without the event role: %v", err)
	}
}

func TestOperationsCreateAndList(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	agent, _ := e.c.CreateManagedObject(ctx, admin, map[string]any{"name": "edge", "com_cumulocity_model_Agent": map[string]any{}})
	if err := e.c.CreateExternalID(ctx, admin, agent, "c8y_Serial", "edge-1"); err != nil {
		t.Fatal(err)
	}
	op, err := e.c.CreateOperation(ctx, admin, agent, map[string]any{"description": "restart", "c8y_Restart": map[string]any{}})
	if err != nil || op.Status != OpPending || op.DeviceID != agent || op.CreationTime.IsZero() || op.Fragments["c8y_Restart"] == nil {
		t.Fatalf("created %+v %v", op, err)
	}
	for range 4 {
		e.sim.CreateOperation(agent, map[string]any{"c8y_Software": map[string]any{}})
	}
	e.sim.SetOperationStatus(op.ID, tenantsim.OpSuccessful, "")
	got, err := e.c.ListOperations(ctx, admin, OperationQuery{AgentID: agent, Status: OpPending, PageSize: 2})
	if err != nil || len(got) != 4 || got[0].Fragments["c8y_Software"] == nil {
		t.Fatalf("pending %d %v", len(got), err)
	}
	if ext := got[0].DeviceExternalIDs; len(ext) != 1 || ext[0] != (ExternalID{Type: "c8y_Serial", ExternalID: "edge-1"}) {
		t.Fatalf("deviceExternalIDs %v", ext)
	}
	got, _ = e.c.ListOperations(ctx, admin, OperationQuery{DeviceID: agent, FragmentType: "c8y_Restart"})
	if len(got) != 1 || got[0].ID != op.ID || got[0].Status != OpSuccessful {
		t.Fatalf("by fragment %v", got)
	}
	if one, err := e.c.Operation(ctx, admin, op.ID); err != nil || one.ID != op.ID {
		t.Fatalf("get %v %v", one, err)
	}
	if _, err := e.c.CreateOperation(ctx, reader, agent, nil); !errors.Is(err, ErrForbidden) {
		t.Fatalf("reader creating: %v", err)
	}
	if _, err := e.c.Operation(ctx, admin, "999"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown: %v", err)
	}
}

func TestNotSimulatedIsNeitherNotFoundNorRetryable(t *testing.T) {
	e := newEnv(t)
	_, err := readPage[map[string]any](t.Context(), e.c, getCall("/audit/auditRecords", &admin, "auditRecordCollection", nil), "auditRecords")
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 501 || apiErr.Code != "tenantsim/notSimulated" {
		t.Fatalf("not simulated: %v", err)
	}
	if errors.Is(err, ErrNotFound) {
		t.Fatal("a 501 reads as not found")
	}
	if retry, _ := Retryable(err); retry {
		t.Fatal("a 501 is retried")
	}
	if msg := Explain(err); !strings.Contains(msg, "does not implement GET /audit/auditRecords") {
		t.Fatalf("explained as %q", msg)
	}
}
