package tenantsim

import "net/http"

// routes maps every path the tenant serves. Patterns carry no method: each
// handler switches on the method itself so a wrong method gets the
// platform's 405 error body rather than the ServeMux's plain text.
func (s *Sim) routes() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("/tenant/loginOptions", s.handleLoginOptions)
	m.HandleFunc("/tenant/health", s.handleHealth)
	m.HandleFunc("/tenant/currentTenant", s.handleCurrentTenant)
	m.HandleFunc("/tenant/oauth", s.handleOAuth(true))
	m.HandleFunc("/tenant/oauth/token", s.handleOAuth(false))
	m.HandleFunc("/user/currentUser", s.handleCurrentUser)
	m.HandleFunc("/user/currentUser/password", s.handleChangePassword)

	m.HandleFunc("/devicecontrol/newDeviceRequests", s.handleNewDeviceRequests)
	m.HandleFunc("/devicecontrol/newDeviceRequests/{id}", s.handleNewDeviceRequest)
	m.HandleFunc("/devicecontrol/deviceCredentials", s.handleDeviceCredentials)
	m.HandleFunc("/devicecontrol/bulkNewDeviceRequests", s.handleBulkNewDeviceRequests)
	m.HandleFunc("/devicecontrol/operations", s.handleOperations)
	m.HandleFunc("/devicecontrol/operations/{id}", s.handleOperation)

	m.HandleFunc("/identity/externalIds/{type}/{value}", s.handleExternalID)
	m.HandleFunc("/identity/globalIds/{id}/externalIds", s.handleGlobalIDExternalIDs)
	m.HandleFunc("/inventory/managedObjects", s.handleManagedObjects)
	m.HandleFunc("/inventory/managedObjects/{id}", s.handleManagedObject)
	for _, kind := range childKinds {
		m.HandleFunc("/inventory/managedObjects/{id}/"+kind, s.handleChildren(kind))
		m.HandleFunc("/inventory/managedObjects/{id}/"+kind+"/{child}", s.handleChild(kind))
	}

	for _, k := range []*kind{eventKind, alarmKind, measurementKind} {
		m.HandleFunc(k.path, s.handleRecords(k))
		m.HandleFunc(k.path+"/{id}", s.handleRecord(k))
	}

	// Read by the field's clients (go-c8y-cli, the UI) but not simulated:
	// 501, never a 404 or 405 a client would take for the platform's answer.
	for _, p := range []string{"/inventory/managedObjects/count", "/alarm/alarms/count", "/measurement/measurements/series",
		"PUT /alarm/alarms", "PUT /user/currentUser"} {
		m.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) { writeNotSimulated(w, r, "") })
	}
	m.HandleFunc("/databroker/connectors", s.handleConnectors)
	m.HandleFunc("/databroker/connectors/{id}", s.handleConnector)
	m.HandleFunc("/user/{tenant}/users/{name}", s.handleUser)

	m.HandleFunc("/service/remoteaccess/devices/{id}/configurations", s.handleRAConfigs)
	m.HandleFunc("/service/remoteaccess/devices/{id}/configurations/{cid}", s.handleRAConfig)
	m.HandleFunc("/service/remoteaccess/health", s.handleRAHealth)
	m.HandleFunc("/service/remoteaccess/client/{id}/configurations/{cid}", s.handleRAClient)
	m.HandleFunc("/service/remoteaccess/device/{key}", s.handleRADevice)
	m.HandleFunc("/notification/operations", s.handleNotifications)
	return m
}
