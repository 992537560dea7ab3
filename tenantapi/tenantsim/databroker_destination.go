package tenantsim

import (
	"errors"
	"net/http"
	"strings"
)

// Data Broker, destination side. A data subscription is a device request
// of type c8y_DataBroker whose id is the connector's security code; the
// source polls deviceCredentials with the code like a device (the
// reference marks this a guess) and sends c8y_BrokerSource with it, which
// the request then shows under customProperties. Once the credentials are
// handed out, the tenant holds a broker user and a virtual group for the
// source; forwarded devices become its child assets (children.go).

const (
	brokerRequestType = "c8y_DataBroker"
	brokerSourceFrag  = "c8y_BrokerSource"
)

// RoleUserAdmin lets a tenant user enable and disable users (and so data
// subscriptions).
const RoleUserAdmin = "ROLE_USER_MANAGEMENT_ADMIN"

// BrokerRoles are the roles a tenant admin needs for the Data Broker, on
// the source (connectors) and the destination (enabling a subscription).
func BrokerRoles() []string { return []string{RoleDataBrokerRead, RoleDataBrokerAdmin, RoleUserAdmin} }

// brokerPollLocked records what a polling source tells about itself.
func (s *Sim) brokerPollLocked(d *deviceRequest, in map[string]any) {
	if d.typ != brokerRequestType {
		return
	}
	if src, ok := in[brokerSourceFrag].(map[string]any); ok {
		s.brokerInitLocked()
		s.broker.sources[d.id] = map[string]any{
			"connectorName": anyString(src["connectorName"]), "connectorDescription": anyString(src["connectorDescription"]),
			"domain": anyString(src["domain"]),
		}
		d.custom = map[string]any{brokerSourceFrag: deepCopy(s.broker.sources[d.id])}
	}
}

// brokerAcceptedLocked sets up the broker user and the virtual group when
// a subscription's credentials are handed out; it returns the user name.
func (s *Sim) brokerAcceptedLocked(d *deviceRequest) string {
	s.brokerInitLocked()
	name := "broker_" + strings.ToLower(newPassword()[:10])
	src := deepCopy(s.broker.sources[d.id])
	if src == nil {
		src = map[string]any{}
	}
	src["status"] = ConnectorActive
	id := s.nextID()
	now := s.now()
	title := anyString(src["connectorName"])
	if title == "" {
		title = "Data Broker " + d.id[:min(4, len(d.id))]
	}
	s.mos[id] = map[string]any{
		"id": id, "name": title, "type": "c8y_DeviceGroup", "c8y_IsDeviceGroup": map[string]any{},
		brokerSourceFrag: src, "owner": name, "creationTime": now, "lastUpdated": now,
	}
	s.broker.groups[d.id] = id
	return name
}

// PUT /user/{tenant}/users/{name} {"enabled": bool}: the destination turns
// a subscription off or on through its broker user. Other user fields are
// not simulated.
func (s *Sim) handleUser(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPut && r.Method != http.MethodGet {
		writeMethodNotAllowed(w, r, http.MethodGet, http.MethodPut)
		return
	}
	if s.userWith(w, r, RoleUserAdmin) == nil {
		return
	}
	var in map[string]any
	if r.Method == http.MethodPut && !readBody(w, r, "user", &in) {
		return
	}
	if r.PathValue("tenant") != s.opts.TenantID {
		writeError(w, http.StatusNotFound, "user/Not Found", "Tenant '"+r.PathValue("tenant")+"' not found!")
		return
	}
	s.mu.Lock()
	a := s.users[r.PathValue("name")]
	if a == nil {
		s.mu.Unlock()
		writeError(w, http.StatusNotFound, "user/Not Found", "User with username '"+r.PathValue("name")+"' not found!")
		return
	}
	if r.Method == http.MethodPut {
		for k := range in {
			if k != "enabled" {
				s.mu.Unlock()
				writeNotSimulatedField(w, k)
				return
			}
		}
		en, ok := in["enabled"].(bool)
		if !ok {
			s.mu.Unlock()
			writeValidation(w, "enabled: must be true or false.")
			return
		}
		a.disabled = !en
		s.brokerGroupStatusLocked(a.name, en)
	}
	body := map[string]any{"id": a.name, "userName": a.name, "enabled": !a.disabled, "self": selfURL(r, r.URL.Path)}
	s.mu.Unlock()
	writeJSON(w, r, http.StatusOK, "user", body)
}

func writeNotSimulatedField(w http.ResponseWriter, field string) {
	writeError(w, http.StatusNotImplemented, "undefined/notSimulated", "tenantsim does not simulate changing '"+field+"' of a user.")
}

// brokerGroupStatusLocked mirrors a broker user's state on its virtual group.
func (s *Sim) brokerGroupStatusLocked(owner string, enabled bool) {
	for _, mo := range s.mos {
		src, ok := mo[brokerSourceFrag].(map[string]any)
		if !ok || mo["owner"] != owner {
			continue
		}
		src["status"] = ConnectorActive
		if !enabled {
			src["status"] = ConnectorSuspended
		}
		mo["lastUpdated"] = s.now()
	}
}

// VirtualGroup is the destination's virtual group for a subscription code
// (its child assets, the forwarded devices, are Children(id, "childAssets")).
func (s *Sim) VirtualGroup(code string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	mo := s.mos[s.broker.groups[code]]
	if mo == nil {
		return nil, false
	}
	return deepCopy(mo), true
}

// AddDataSubscription is "Add data subscription" in the destination's UI:
// a c8y_DataBroker request with the source connector's security code.
func (s *Sim) AddDataSubscription(code string) error {
	_, err := s.createRequest(code, "admin", "", brokerRequestType)
	return err
}

// SetUserEnabled switches a user off or on as an admin would (a broker
// user: the subscription is disabled or enabled).
func (s *Sim) SetUserEnabled(name string, enabled bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.users[name]
	if a == nil {
		return errors.New("tenantsim: no user " + name)
	}
	a.disabled = !enabled
	s.brokerGroupStatusLocked(name, enabled)
	return nil
}
