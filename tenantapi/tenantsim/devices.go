package tenantsim

// RegisteredDevice is a device the tenant knows, as RegisterDevice made it.
type RegisteredDevice struct {
	User, Password  string // the device user (without the tenant prefix)
	ManagedObjectID string
}

// RegisterDevice stands a registered device in the tenant in one call, as
// registration through deviceCredentials and the device's first requests
// would leave it: a device user, its managed object (owned by it, an
// agent, listing c8y_RemoteAccessConnect) and the c8y_Serial external ID.
// Tests of what comes after registration use it.
func (s *Sim) RegisterDevice(deviceID string, fragments map[string]any) RegisteredDevice {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := RegisteredDevice{User: "device_" + deviceID, Password: newPassword()}
	s.users[d.User] = &account{name: d.User, password: d.Password, deviceID: deviceID}
	s.issued[deviceID] = issuedCreds{username: d.User, password: d.Password}
	mo := map[string]any{
		"name": deviceID, "type": "c8y_EdgeDevice",
		"c8y_IsDevice": map[string]any{}, "com_cumulocity_model_Agent": map[string]any{},
		"c8y_SupportedOperations":            []any{"c8y_RemoteAccessConnect"},
		"c8y_RemoteAccessSupportedProtocols": []any{"SSH", "PASSTHROUGH"},
	}
	for k, v := range fragments {
		if v == nil {
			delete(mo, k)
		} else {
			mo[k] = v
		}
	}
	mo = deepCopy(mo)
	d.ManagedObjectID = s.nextID()
	now := s.now()
	mo["id"], mo["owner"], mo["creationTime"], mo["lastUpdated"] = d.ManagedObjectID, d.User, now, now
	s.mos[d.ManagedObjectID] = mo
	s.extIDs[extKey{"c8y_Serial", deviceID}] = d.ManagedObjectID
	return d
}
