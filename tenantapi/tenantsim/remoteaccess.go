package tenantsim

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// raConfig is one Cloud Remote Access endpoint of a device.
type raConfig struct {
	id, name, hostname, protocol, credType string
	port                                   int
	username, password                     string
	privateKey, publicKey, hostKey         string
}

var (
	raProtocols = []string{"SSH", "VNC", "TELNET", "PASSTHROUGH"}
	raCredTypes = []string{"USER_PASS", "KEY_PAIR", "CERTIFICATE", "PASS_ONLY", "NONE"}
)

// parseRAConfig reads a configuration, flat (as clients send it) or with
// the credentials nested (as the service answers), and validates it.
func parseRAConfig(in map[string]any) (raConfig, string) {
	cr, _ := in["credentials"].(map[string]any)
	get := func(k string) string {
		if v := str(in, k); v != "" {
			return v
		}
		return str(cr, k)
	}
	c := raConfig{
		name: strings.TrimSpace(get("name")), hostname: strings.TrimSpace(get("hostname")),
		protocol: strings.ToUpper(get("protocol")), credType: strings.ToUpper(get("credentialsType")),
		username: get("username"), password: get("password"),
		privateKey: get("privateKey"), publicKey: get("publicKey"), hostKey: get("hostKey"),
	}
	if c.credType == "" {
		c.credType = strings.ToUpper(str(cr, "type"))
	}
	if c.credType == "" {
		c.credType = "NONE"
	}
	switch p := in["port"].(type) {
	case json.Number:
		n, _ := strconv.Atoi(p.String())
		c.port = n
	case float64:
		c.port = int(p)
	}
	switch {
	case c.name == "":
		return c, "name: may not be empty."
	case c.hostname == "":
		return c, "hostname: may not be empty."
	case c.port < 1 || c.port > 65535:
		return c, "port: must be between 1 and 65535."
	case !slices.Contains(raProtocols, c.protocol):
		return c, "protocol: must be one of " + strings.Join(raProtocols, ", ") + "."
	case !slices.Contains(raCredTypes, c.credType):
		return c, "credentialsType: must be one of " + strings.Join(raCredTypes, ", ") + "."
	case c.credType == "USER_PASS" && (c.username == "" || c.password == ""):
		return c, "USER_PASS credentials need username and password."
	case c.credType == "KEY_PAIR" && (c.username == "" || c.privateKey == "" || c.publicKey == ""):
		return c, "KEY_PAIR credentials need username, privateKey and publicKey."
	}
	return c, ""
}

// body is the service's answer: credentials nested, secrets (password,
// private key) never sent back.
func (c raConfig) body() map[string]any {
	cr := map[string]any{"type": c.credType}
	for k, v := range map[string]string{"username": c.username, "publicKey": c.publicKey, "hostKey": c.hostKey} {
		if v != "" {
			cr[k] = v
		}
	}
	return map[string]any{
		"id": c.id, "name": c.name, "hostname": c.hostname, "port": c.port,
		"protocol": c.protocol, "credentialsType": c.credType, "credentials": cr,
	}
}

// raUser requires the service (404 when the tenant is not subscribed) and
// ROLE_REMOTE_ACCESS_ADMIN; it answers on failure.
func (s *Sim) raUser(w http.ResponseWriter, r *http.Request) bool {
	return s.raSubscribed(w) && s.userWith(w, r, RoleRemoteAccessAdmin) != nil
}

// syncRAListLocked mirrors the device's configurations into its
// c8y_RemoteAccessList fragment, as the service does.
func (s *Sim) syncRAListLocked(moID string) {
	list := []any{}
	for _, c := range s.raConfigs[moID] {
		list = append(list, c.body())
	}
	if mo := s.mos[moID]; mo != nil {
		mo["c8y_RemoteAccessList"] = deepCopy(map[string]any{"l": list})["l"]
		mo["lastUpdated"] = s.now()
	}
}

// /service/remoteaccess/devices/{id}/configurations: GET (bare array), POST.
func (s *Sim) handleRAConfigs(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		writeMethodNotAllowed(w, r, http.MethodGet, http.MethodPost)
		return
	}
	if !s.raUser(w, r) {
		return
	}
	var in map[string]any
	if r.Method == http.MethodPost && !readBody(w, r, "", &in) {
		return
	}
	moID := r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mos[moID] == nil {
		notFoundMO(w, moID)
		return
	}
	if r.Method == http.MethodGet {
		out := []map[string]any{}
		for _, c := range s.raConfigs[moID] {
			out = append(out, c.body())
		}
		writeJSON(w, r, http.StatusOK, "", out)
		return
	}
	c, msg := parseRAConfig(in)
	if msg != "" {
		writeValidation(w, msg)
		return
	}
	c.id = s.nextID()
	s.raConfigs[moID] = append(s.raConfigs[moID], &c)
	s.syncRAListLocked(moID)
	writeJSON(w, r, http.StatusCreated, "", c.body())
}

// /service/remoteaccess/devices/{id}/configurations/{cid}: GET, PUT (whole
// object), DELETE.
func (s *Sim) handleRAConfig(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodPut, http.MethodDelete:
	default:
		writeMethodNotAllowed(w, r, http.MethodGet, http.MethodPut, http.MethodDelete)
		return
	}
	if !s.raUser(w, r) {
		return
	}
	var in map[string]any
	if r.Method == http.MethodPut && !readBody(w, r, "", &in) {
		return
	}
	moID, cid := r.PathValue("id"), r.PathValue("cid")
	s.mu.Lock()
	defer s.mu.Unlock()
	list := s.raConfigs[moID]
	i := slices.IndexFunc(list, func(c *raConfig) bool { return c.id == cid })
	if s.mos[moID] == nil || i < 0 {
		writeError(w, http.StatusNotFound, "remoteaccess/Not Found",
			"No remote access configuration '"+cid+"' for device '"+moID+"'.")
		return
	}
	switch r.Method {
	case http.MethodDelete:
		s.raConfigs[moID] = slices.Delete(list, i, i+1)
		s.syncRAListLocked(moID)
		w.WriteHeader(http.StatusNoContent)
		return
	case http.MethodPut:
		c, msg := parseRAConfig(in)
		if msg != "" {
			writeValidation(w, msg)
			return
		}
		c.id = cid
		list[i] = &c
		s.syncRAListLocked(moID)
	}
	writeJSON(w, r, http.StatusOK, "", list[i].body())
}

// RemoteAccessConfigs are the device's configurations as the service
// answers them (without secrets).
func (s *Sim) RemoteAccessConfigs(moID string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, c := range s.raConfigs[moID] {
		out = append(out, c.body())
	}
	return out
}

// RemoteAccessPassword is the stored secret of a configuration, for tests
// that check what the device sent.
func (s *Sim) RemoteAccessPassword(moID, configID string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.raConfigs[moID] {
		if c.id == configID {
			return c.password, true
		}
	}
	return "", false
}
