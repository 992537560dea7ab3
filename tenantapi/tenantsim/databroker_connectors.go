package tenantsim

import (
	"cmp"
	"crypto/rand"
	"net/http"
	"net/url"
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

// connectorServerFields are owned by the platform: a client that sends
// them is refused.
var connectorServerFields = []string{"id", "status", "destinationStatus", "suspendReason", "tenantId",
	"username", "password", "code", "lastSynchronizationTime", "self"}

var brokerAPIs = []string{"alarm", "event", "measurement", "managedObject", "operation", "*"}

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

func serverField(in map[string]any) string {
	for _, f := range connectorServerFields {
		if _, ok := in[f]; ok {
			return f
		}
	}
	return ""
}

// duplicateLocked words a clash with another connector as the platform does.
func (s *Sim) duplicateLocked(self, name, instance string) string {
	for _, o := range s.broker.connectors {
		switch {
		case o.id == self:
		case o.instanceURL == instance:
			return "Duplicated connector for instanceUrl " + instance + "!"
		case o.name == name:
			return "Duplicated connector for name " + name + "!"
		}
	}
	return ""
}

// checkInstanceURL: an http(s) URL of another tenant (a connector to this
// very tenant would be a cycle).
func checkInstanceURL(raw, ownHost string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "instanceUrl: must be the URL of the destination tenant, like https://acme.cumulocity.com."
	}
	if strings.EqualFold(u.Host, ownHost) {
		return "Cycle detected for route " + raw + "!"
	}
	return ""
}

// checkFilters wants at least one filter, each with known APIs and at most
// one of sourceId and deviceGroupId.
func checkFilters(v any) ([]any, string) {
	list, _ := v.([]any)
	if len(list) == 0 {
		return nil, "filters: at least one filter is required."
	}
	for i, f := range list {
		m, ok := f.(map[string]any)
		if !ok {
			return nil, "filters: each filter must be an object."
		}
		apis, _ := m["apis"].([]any)
		if len(apis) == 0 {
			return nil, "filters[" + itoa(int64(i)) + "].apis: name at least one of alarm, event, measurement, managedObject, operation or *."
		}
		for _, a := range apis {
			if !slices.Contains(brokerAPIs, anyString(a)) {
				return nil, "filters[" + itoa(int64(i)) + "].apis: '" + anyString(a) + "' is not one of alarm, event, measurement, managedObject, operation, *."
			}
		}
		if anyID(m["sourceId"]) != "" && anyID(m["deviceGroupId"]) != "" {
			return nil, "filters[" + itoa(int64(i)) + "]: give sourceId or deviceGroupId, not both."
		}
	}
	return deepCopySlice(list), ""
}

// securityCode is what the destination subscribes with.
func securityCode() string { return rand.Text()[:12] }
