package databroker

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/edge-setup/edge-setup/tenantapi"
	wire "github.com/edge-setup/edge-setup/tenantapi/databroker"
)

// Alarm is a Data Broker alarm of the Edge tenant, with what to do.
type Alarm struct {
	Severity string
	Text     string
	Time     time.Time
	Count    int
	Todo     string
}

// ConnectorView is one connector as the list shows it (all text safe).
type ConnectorView struct {
	Connector wire.Connector
	State     State
	Shares    string
	Alarms    []Alarm
	// Operations came from the cloud in the last OperationsWindow.
	Operations Operations
}

// Overview is the Edge's connectors with their alarms.
type Overview struct {
	Connectors []ConnectorView
	// AlarmsUnknown says why the alarms could not be read ("" when they were).
	AlarmsUnknown string
}

// Overview reads the connectors, the names of the groups and devices they
// share and the active Data Broker alarms, each next to its connector.
func (b *Broker) Overview(ctx context.Context) (*Overview, error) {
	list, err := b.Edge.Connectors(ctx)
	if err != nil {
		return nil, explain("listing the Edge's Data Broker connectors failed", err)
	}
	names := b.objectNames(ctx, list)
	ov := &Overview{}
	alarms, err := b.alarms(ctx)
	if err != nil {
		ov.AlarmsUnknown = explain("reading the Data Broker alarms failed", err).Error()
	}
	ops, opsErr := b.edgeOperations(ctx)
	var groups []wire.VirtualGroup
	if b.Cloud != nil && opsErr == nil {
		groups, opsErr = b.Cloud.VirtualGroups(ctx)
		opsErr = explain("finding the virtual groups in the cloud tenant failed", opsErr)
	}
	for _, c := range list {
		v := ConnectorView{Connector: Safe(c), State: StateOf(c), Shares: Shares(c, names), Alarms: alarms[c.ID],
			Operations: Operations{List: ops[c.ID]}}
		if opsErr == nil {
			opsErr = b.notTakenUp(ctx, b.groupFor(groups, c), &v.Operations)
		}
		if opsErr != nil {
			v.Operations.Unknown = opsErr.Error()
		}
		ov.Connectors = append(ov.Connectors, v)
	}
	return ov, nil
}

// objectNames resolves the group and device ids the filters name (a
// failure leaves ids shown as ids).
func (b *Broker) objectNames(ctx context.Context, list []wire.Connector) map[string]string {
	need := false
	for _, c := range list {
		for _, f := range c.Filters {
			need = need || f.SourceID != "" || f.DeviceGroupID != ""
		}
	}
	names := map[string]string{}
	if !need {
		return names
	}
	for _, frag := range []string{"c8y_IsDevice", "c8y_IsDeviceGroup"} {
		objs, err := b.Edge.Objects(ctx, frag)
		if err != nil {
			continue
		}
		for _, o := range objs {
			names[o.ID] = o.Name
		}
	}
	return names
}

// maxAlarms bounds the one alarm query of a read.
const maxAlarms = 2000

// alarms are the active Data Broker alarms by connector id, most severe
// first: one query for the Edge's active alarms (the newest maxAlarms),
// kept when raised on a c8y_DataBroker object, whatever the number of
// those objects. The platform de-duplicates an alarm per object and type,
// so each is listed once.
func (b *Broker) alarms(ctx context.Context) (map[string][]Alarm, error) {
	objs, err := b.Edge.BrokerObjects(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string][]Alarm{}
	if len(objs) == 0 {
		return out, nil
	}
	list, err := b.Edge.API.Alarms(ctx, b.Edge.As, tenantapi.DataQuery{Status: tenantapi.AlarmActive, Revert: true, PageSize: maxAlarms, MaxItems: maxAlarms})
	if err != nil {
		return nil, err
	}
	for _, a := range list {
		if connID, ok := objs[a.SourceID]; ok {
			out[connID] = append(out[connID], Alarm{Severity: safeLine(a.Severity), Text: safeLine(a.Text), Time: a.Time, Count: a.Count, Todo: alarmTodo(a.Severity)})
		}
	}
	for id := range out {
		slices.SortStableFunc(out[id], func(x, y Alarm) int { return severityRank(x.Severity) - severityRank(y.Severity) })
	}
	return out, nil
}

func severityRank(s string) int {
	return slices.Index([]string{tenantapi.SeverityCritical, tenantapi.SeverityMajor, tenantapi.SeverityMinor, tenantapi.SeverityWarning}, strings.ToUpper(s))
}

// alarmTodo is what to do about a Data Broker alarm.
func alarmTodo(severity string) string {
	switch strings.ToUpper(severity) {
	case tenantapi.SeverityCritical:
		return "the Edge cannot reach the cloud tenant: the data is kept and sent once it can. Check the Edge's network, DNS, proxy and firewall towards the cloud URL (D in the menu or edge-setup diagnose checks the way to it), and that the cloud tenant is up."
	case tenantapi.SeverityMajor:
		return "the queue overflowed and the oldest data was dropped: the cloud takes data slower than the Edge produces it. Fix the connection (see any CRITICAL alarm) or share less (fewer APIs, a type filter)."
	}
	return ""
}
