package databroker

import "time"

// Report is `edge-setup databroker status --json` (schema 1): the
// connectors, their state and alarms. It never holds the security code.
type Report struct {
	Schema        int               `json:"schema"`
	EdgeURL       string            `json:"edgeUrl"`
	CloudURL      string            `json:"cloudUrl"`
	Connectors    []ConnectorReport `json:"connectors"`
	AlarmsUnknown string            `json:"alarmsUnknown,omitempty"`
}

// ConnectorReport is one connector of a Report.
type ConnectorReport struct {
	ID                string        `json:"id"`
	Name              string        `json:"name"`
	State             string        `json:"state"` // Waiting, Activating, Active, Pending, Suspended
	Meaning           string        `json:"meaning"`
	Todo              string        `json:"todo,omitempty"`
	Status            string        `json:"status"`
	DestinationStatus string        `json:"destinationStatus,omitempty"`
	Target            string        `json:"target"`
	Shares            string        `json:"shares"`
	LastSync          *time.Time    `json:"lastSynchronization,omitempty"`
	Alarms            []AlarmReport `json:"alarms"`
	// Operations came from the cloud in the last hour, newest first.
	Operations        []OperationReport `json:"operationsFromCloud"`
	OperationsUnknown string            `json:"operationsUnknown,omitempty"`
	// OperationsWarning: the Edge does not take the cloud's operations up.
	OperationsWarning string `json:"operationsWarning,omitempty"`
}

// OperationReport is one operation from the cloud.
type OperationReport struct {
	CloudID       string    `json:"cloudId,omitempty"`
	EdgeID        string    `json:"edgeId,omitempty"` // absent: the Edge never took it up
	Device        string    `json:"device"`
	What          string    `json:"what"`
	Status        string    `json:"status"`
	FailureReason string    `json:"failureReason,omitempty"`
	Created       time.Time `json:"created"`
}

// AlarmReport is one active Data Broker alarm of a connector.
type AlarmReport struct {
	Severity string    `json:"severity"`
	Text     string    `json:"text"`
	Time     time.Time `json:"time"`
	Count    int       `json:"count"`
	Todo     string    `json:"todo,omitempty"`
}

// NewReport turns an overview into the report.
func NewReport(edgeURL, cloudURL string, ov *Overview) Report {
	r := Report{Schema: 1, EdgeURL: edgeURL, CloudURL: cloudURL, Connectors: []ConnectorReport{}, AlarmsUnknown: ov.AlarmsUnknown}
	for _, v := range ov.Connectors {
		c := v.Connector
		cr := ConnectorReport{ID: c.ID, Name: c.Name, State: v.State.Name, Meaning: v.State.Meaning, Todo: v.State.Todo,
			Status: c.Status, DestinationStatus: c.DestinationStatus, Target: c.InstanceURL, Shares: v.Shares, Alarms: []AlarmReport{}}
		if !c.LastSync.IsZero() {
			t := c.LastSync
			cr.LastSync = &t
		}
		for _, a := range v.Alarms {
			cr.Alarms = append(cr.Alarms, AlarmReport{Severity: a.Severity, Text: a.Text, Time: a.Time, Count: a.Count, Todo: a.Todo})
		}
		cr.Operations, cr.OperationsUnknown = []OperationReport{}, v.Operations.Unknown
		for _, o := range v.Operations.List {
			cr.Operations = append(cr.Operations, OperationReport{CloudID: o.CloudID, EdgeID: o.EdgeID, Device: o.Device, What: o.What,
				Status: o.Status, FailureReason: o.FailureReason, Created: o.Created})
		}
		if v.Operations.NotSynchronised {
			cr.OperationsWarning = NoOperationsWarning
		}
		r.Connectors = append(r.Connectors, cr)
	}
	return r
}
