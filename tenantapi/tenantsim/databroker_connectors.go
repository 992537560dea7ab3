package tenantsim

import (
	"cmp"
	"crypto/rand"
	"net/http"
	"slices"
	"strings"
)

// Data Broker, source side: the connectors of this tenant
// (/databroker/connectors). Facts from the project's REST reference; the
// status codes of the platform's refusals are not public (guess: 409 for a
// duplicate, 422 for the rest, as the platform answers other validation).

// Roles of the Data Broker.
const (
	RoleDataBrokerRead  = "ROLE_DATA_BROKER_READ"
	RoleDataBrokerAdmin = "ROLE_DATA_BROKER_ADMIN"
)

// Connector statuses (status and destinationStatus).
const (
	ConnectorWaiting    = "WAITING"
	ConnectorActivating = "ACTIVATING"
	ConnectorActive     = "ACTIVE"
	ConnectorSuspended  = "SUSPENDED"
)

const connectorType = "connector"

// connector is one data connector and what its forwarding keeps.
type connector struct {
	id, name, description, instanceURL string
	filters                            []any
	status, destStatus, suspendReason  string
	code                               string
	lastSync                           string
	order                              int64
	link                               *brokerLink // set once bootstrapped
}

func (c *connector) body(r *http.Request, tenant string) map[string]any {
	m := map[string]any{
		"id": c.id, "name": c.name, "description": c.description, "instanceUrl": c.instanceURL,
		"filters": deepCopySlice(c.filters), "status": c.status, "tenantId": tenant, "code": c.code,
		"self": selfURL(r, "/databroker/connectors/"+c.id),
	}
	if c.destStatus != "" {
		m["destinationStatus"] = c.destStatus
	}
	if c.suspendReason != "" {
		m["suspendReason"] = c.suspendReason
	}
	if c.lastSync != "" {
		m["lastSynchronizationTime"] = c.lastSync
	}
	if c.link != nil {
		m["username"] = c.link.username // never the password
	}
	return m
}

func deepCopySlice(s []any) []any {
	out := deepCopy(map[string]any{"v": s})["v"]
	v, _ := out.([]any)
	return v
}

// /databroker/connectors: GET (list), POST (create).
func (s *Sim) handleConnectors(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		if s.userWith(w, r, RoleDataBrokerRead) == nil || !checkAccept(w, r, connectorType+"Collection") {
			return
		}
		cur, size, ok := page(w, r)
		if !ok {
			return
		}
		s.mu.Lock()
		list := slices.Collect(mapValues(s.broker.connectors))
		slices.SortFunc(list, func(a, b *connector) int { return cmp.Compare(a.order, b.order) })
		items := make([]map[string]any, 0, len(list))
		for _, c := range list {
			items = append(items, c.body(r, s.opts.TenantID))
		}
		s.mu.Unlock()
		writeJSON(w, r, http.StatusOK, connectorType+"Collection", collection(r, "connectors", items, cur, size))
	case http.MethodPost:
		if s.userWith(w, r, RoleDataBrokerAdmin) == nil {
			return
		}
		var in map[string]any
		if !readBody(w, r, connectorType, &in) {
			return
		}
		if f := serverField(in); f != "" {
			writeValidation(w, f+": is set by the platform and cannot be written.")
			return
		}
		name, instance := strings.TrimSpace(str(in, "name")), strings.TrimSpace(str(in, "instanceUrl"))
		switch {
		case name == "":
			writeValidation(w, "name: may not be null.")
			return
		case instance == "":
			writeValidation(w, "instanceUrl: may not be null.")
			return
		}
		if msg := checkInstanceURL(instance, r.Host); msg != "" {
			writeValidation(w, msg)
			return
		}
		filters, msg := checkFilters(in["filters"])
		if msg != "" {
			writeValidation(w, msg)
			return
		}
		s.mu.Lock()
		if msg := s.duplicateLocked("", name, instance); msg != "" {
			s.mu.Unlock()
			writeError(w, http.StatusConflict, "databroker/Duplicate", msg)
			return
		}
		c := &connector{id: s.nextID(), name: name, description: str(in, "description"), instanceURL: instance,
			filters: filters, status: ConnectorWaiting, code: securityCode()}
		c.order = s.seq
		s.brokerInitLocked()
		s.broker.connectors[c.id] = c
		body := c.body(r, s.opts.TenantID)
		s.mu.Unlock()
		w.Header().Set("Location", selfURL(r, "/databroker/connectors/"+c.id))
		writeJSON(w, r, http.StatusCreated, connectorType, body)
	default:
		writeMethodNotAllowed(w, r, http.MethodGet, http.MethodPost)
	}
}

// /databroker/connectors/{id}: GET, PUT (name, description, filters; or
// status ACTIVE/SUSPENDED), DELETE.
func (s *Sim) handleConnector(w http.ResponseWriter, r *http.Request) {
	role := RoleDataBrokerAdmin
	switch r.Method {
	case http.MethodGet:
		role = RoleDataBrokerRead
	case http.MethodPut, http.MethodDelete:
	default:
		writeMethodNotAllowed(w, r, http.MethodGet, http.MethodPut, http.MethodDelete)
		return
	}
	if s.userWith(w, r, role) == nil {
		return
	}
	var in map[string]any
	if !readItemRequest(w, r, connectorType, &in) {
		return
	}
	id := r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.broker.connectors[id]
	if c == nil {
		writeError(w, http.StatusNotFound, "databroker/Not Found", "Connector with id '"+id+"' not found!")
		return
	}
	switch r.Method {
	case http.MethodDelete:
		delete(s.broker.connectors, id)
		w.WriteHeader(http.StatusNoContent)
		return
	case http.MethodPut:
		if msg := s.editConnectorLocked(c, in); msg != "" {
			if strings.HasPrefix(msg, "Duplicated") {
				writeError(w, http.StatusConflict, "databroker/Duplicate", msg)
			} else {
				writeValidation(w, msg)
			}
			return
		}
	}
	writeJSON(w, r, http.StatusOK, connectorType, c.body(r, s.opts.TenantID))
}

// editConnectorLocked applies a PUT or says why it cannot.
func (s *Sim) editConnectorLocked(c *connector, in map[string]any) string {
	if v, ok := in["instanceUrl"]; ok && v != c.instanceURL {
		return "instanceUrl: cannot be changed once the connector is saved; delete the connector and create a new one."
	}
	delete(in, "instanceUrl")
	if st, ok := in["status"]; ok {
		if len(in) != 1 {
			return "status: change the status alone, without other fields."
		}
		switch st {
		case ConnectorSuspended:
			c.status, c.suspendReason = ConnectorSuspended, ""
		case ConnectorActive:
			if c.status == ConnectorSuspended {
				c.status = ConnectorWaiting // the forwarding takes it on from here
				if c.link != nil {
					c.status = ConnectorActive
				}
			}
		default:
			return "status: must be ACTIVE or SUSPENDED."
		}
		return ""
	}
	if f := serverField(in); f != "" {
		return f + ": is set by the platform and cannot be written."
	}
	name := c.name
	if v, ok := in["name"]; ok {
		name = strings.TrimSpace(anyString(v))
		if name == "" {
			return "name: may not be null."
		}
	}
	filters := c.filters
	if v, ok := in["filters"]; ok {
		var msg string
		if filters, msg = checkFilters(v); msg != "" {
			return msg
		}
	}
	if msg := s.duplicateLocked(c.id, name, c.instanceURL); msg != "" {
		return msg
	}
	c.name, c.filters = name, filters
	if v, ok := in["description"]; ok {
		c.description = anyString(v)
	}
	return ""
}

// securityCode is what the destination subscribes with.
func securityCode() string { return rand.Text()[:12] }
