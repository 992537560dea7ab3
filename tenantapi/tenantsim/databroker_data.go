package tenantsim

import (
	"context"
	"net/http"
	"slices"
)

// The data part of the Data Broker's forwarding: measurements, events and
// alarms created in this tenant after the link are sent to the destination
// in creation order, at most MaxBatch per API and round; what the
// destination does not take stays queued (at most MaxQueue per API, the
// oldest dropped beyond that with a MAJOR alarm). Later changes of an
// alarm (acknowledge, clear) are not forwarded by this simulation.

var brokerDataAPIs = []struct{ api, path string }{
	{APIMeasurement, "/measurement/measurements"},
	{APIEvent, "/event/events"},
	{APIAlarm, "/alarm/alarms"},
}

// pending is one record to forward.
type pending struct {
	seq   int64
	src   string
	body  map[string]any
	frags []string
}

// forwardData sends what the filters select; it returns how many records
// went out.
func (f *forwarder) forwardData(ctx context.Context, c snapshot) (int, error) {
	filters := decodeFilters(c.filters)
	sent := 0
	for _, d := range brokerDataAPIs {
		batch, dropped := f.queued(c, filters, d.api)
		if dropped > 0 {
			f.raise(c, SeverityMajor, alarmOverflow,
				"Data Broker connector '"+c.name+"' dropped the oldest "+itoa(int64(dropped))+" "+d.api+" records: the queue is full.")
		}
		for _, p := range batch {
			if ctx.Err() != nil {
				return sent, nil
			}
			remote, err := f.remoteID(ctx, c, p.src, p.frags)
			if err != nil {
				return sent, err
			}
			if remote != "" {
				body := copyFragments(p.body, p.frags, "type", "time", "text", "severity", "status")
				for _, k := range []string{"id", "self", "creationTime", "lastUpdated", "count", "firstOccurrenceTime", "history"} {
					delete(body, k)
				}
				body["source"] = map[string]any{"id": remote}
				if _, err := f.sendAs(ctx, c.link, http.MethodPost, c.instance+d.path, "", body, nil); err != nil {
					return sent, err
				}
				sent++
			}
			c.link.cursor[d.api] = p.seq
		}
	}
	return sent, nil
}

// queued is the next batch of one API after the cursor, and how many old
// records were dropped because more than MaxQueue were waiting.
func (f *forwarder) queued(c snapshot, filters []filterView, api string) ([]pending, int) {
	f.s.mu.Lock()
	defer f.s.mu.Unlock()
	var all []pending
	for _, rec := range f.s.data[api] {
		if rec.seq <= c.link.cursor[api] {
			continue
		}
		src := rec.sourceID()
		for _, fv := range filters {
			if fv.has(api) && f.s.selectsLocked(fv, src, rec.body) {
				all = append(all, pending{seq: rec.seq, src: src, body: deepCopy(rec.body), frags: fv.fragsCpy})
				break
			}
		}
	}
	slices.SortFunc(all, func(a, b pending) int { return int(a.seq - b.seq) })
	dropped := 0
	if len(all) > f.o.MaxQueue {
		dropped = len(all) - f.o.MaxQueue
		c.link.cursor[api] = all[dropped-1].seq
		all = all[dropped:]
	}
	return all[:min(len(all), f.o.MaxBatch)], dropped
}

// brokerAlarm raises an alarm on the connector's c8y_DataBroker managed
// object in this tenant, creating the object when first needed.
func (s *Sim) brokerAlarm(connectorID, name, severity, typ, text string) string {
	s.mu.Lock()
	var moID string
	for id, mo := range s.mos {
		if mo["type"] == "c8y_DataBroker" && anyString(mapOf(mo["c8y_DataBroker"])["connectorId"]) == connectorID {
			moID = id
			break
		}
	}
	if moID == "" {
		moID = s.nextID()
		now := s.now()
		s.mos[moID] = map[string]any{"id": moID, "name": "Data Broker " + name, "type": "c8y_DataBroker",
			"c8y_DataBroker": map[string]any{"connectorId": connectorID}, "owner": "service_databroker",
			"creationTime": now, "lastUpdated": now}
	}
	s.mu.Unlock()
	id, _ := s.CreateAlarm(moID, typ, text, severity, nil)
	return id
}
