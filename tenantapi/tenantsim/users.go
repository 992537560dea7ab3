package tenantsim

import (
	"slices"
	"strings"
)

// User is a tenant user.
type User struct {
	Name     string
	Password string
	Roles    []string
	TFA      bool // two-factor authentication enforced: OAI-Secure logins need a code
}

// Roles the simulated tenant checks.
const (
	RoleDeviceControlRead   = "ROLE_DEVICE_CONTROL_READ"
	RoleDeviceControlAdmin  = "ROLE_DEVICE_CONTROL_ADMIN"
	RoleInventoryRead       = "ROLE_INVENTORY_READ"
	RoleInventoryAdmin      = "ROLE_INVENTORY_ADMIN"
	RoleIdentityRead        = "ROLE_IDENTITY_READ"
	RoleIdentityAdmin       = "ROLE_IDENTITY_ADMIN"
	RoleRemoteAccessAdmin   = "ROLE_REMOTE_ACCESS_ADMIN"
	RoleEventRead           = "ROLE_EVENT_READ"
	RoleEventAdmin          = "ROLE_EVENT_ADMIN"
	RoleAlarmRead           = "ROLE_ALARM_READ"
	RoleAlarmAdmin          = "ROLE_ALARM_ADMIN"
	RoleMeasurementRead     = "ROLE_MEASUREMENT_READ"
	RoleMeasurementAdmin    = "ROLE_MEASUREMENT_ADMIN"
	RoleUserManagementAdmin = "ROLE_USER_MANAGEMENT_ADMIN"
)

// AllRoles lists every role the sim knows, for an admin user.
func AllRoles() []string {
	return []string{
		RoleDeviceControlRead, RoleDeviceControlAdmin,
		RoleInventoryRead, RoleInventoryAdmin,
		RoleIdentityRead, RoleIdentityAdmin,
		RoleRemoteAccessAdmin, RoleUserManagementAdmin,
		RoleEventRead, RoleEventAdmin,
		RoleAlarmRead, RoleAlarmAdmin,
		RoleMeasurementRead, RoleMeasurementAdmin,
	}
}

// account is a user the tenant knows: a person or a device.
type account struct {
	name     string
	password string
	history  []string // previous passwords, newest last, at most passwordHistory
	roles    []string
	deviceID string // set for device users
	disabled bool   // switched off by an admin (PUT /user/{tenant}/users/{name}): its logins get 401
	tfa      bool
}

const passwordHistory = 10

// AddUser adds (or replaces) a tenant user.
func (s *Sim) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.Name] = &account{name: u.Name, password: u.Password, roles: slices.Clone(u.Roles), tfa: u.TFA}
}

// UserPassword is the user's current password ("" for an unknown user).
func (s *Sim) UserPassword(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.users[name]; ok {
		return a.password
	}
	return ""
}

// has reports whether the account holds role; an ..._ADMIN role includes
// the matching ..._READ role.
func (a *account) has(role string) bool {
	if slices.Contains(a.roles, role) {
		return true
	}
	if base, ok := strings.CutSuffix(role, "_READ"); ok {
		return slices.Contains(a.roles, base+"_ADMIN")
	}
	return false
}

func (a *account) isDevice() bool { return a.deviceID != "" }

// setPassword applies the simple policy (8 to 32 characters, not one of
// the last ten) and returns a message when the password is refused.
func (a *account) setPassword(pw string) string {
	if n := len([]rune(pw)); n < 8 || n > 32 {
		return "Password must have at least 8 and at most 32 characters."
	}
	if pw == a.password || slices.Contains(a.history, pw) {
		return "Password must not equal one of the last 10 passwords used."
	}
	a.history = append(a.history, a.password)
	if len(a.history) > passwordHistory-1 {
		a.history = a.history[len(a.history)-(passwordHistory-1):]
	}
	a.password = pw
	return ""
}
