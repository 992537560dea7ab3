package tenantsim

import (
	"time"
)

// Alarm types the forwarding raises (guess: the platform's type names are
// not public).
const (
	alarmUnreachable = "c8y_DataBroker_DestinationUnreachable"
	alarmOverflow    = "c8y_DataBroker_QueueOverflow"
)

// clear clears the alarm of typ once its cause is gone.
func (f *forwarder) clear(c snapshot, typ string) {
	if id := c.link.openAlarm[typ]; id != "" {
		_ = f.s.SetAlarmStatus(id, AlarmCleared)
		delete(c.link.openAlarm, typ)
	}
}

// raise creates an alarm on the connector's c8y_DataBroker managed object,
// at most one a minute per kind.
func (f *forwarder) raise(c snapshot, severity, typ, text string) {
	now := f.s.opts.Now()
	if c.link != nil {
		if last, ok := c.link.lastAlarm[typ]; ok && now.Sub(last) < time.Minute {
			return
		}
		c.link.lastAlarm[typ] = now
	}
	if id := f.s.brokerAlarm(c.id, c.name, severity, typ, text); id != "" && c.link != nil {
		c.link.openAlarm[typ] = id
	}
}
