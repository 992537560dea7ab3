package tenantapi

import "fmt"

// Credentials are Basic-auth credentials: "tenant/user:password", or
// "user:password" when Tenant is empty (the tenant's own domain).
type Credentials struct {
	Tenant   string
	User     string
	Password string
}

// Bootstrap are the device bootstrap credentials. An empty tenant or user
// means the platform's usual "management" and "devicebootstrap"; the
// password is a platform secret and has no default.
func Bootstrap(tenant, user, password string) Credentials {
	if tenant == "" {
		tenant = "management"
	}
	if user == "" {
		user = "devicebootstrap"
	}
	return Credentials{Tenant: tenant, User: user, Password: password}
}

// Login is the user name as sent: "tenant/user" or "user".
func (c Credentials) Login() string {
	if c.Tenant == "" {
		return c.User
	}
	return c.Tenant + "/" + c.User
}

// String never shows the password.
func (c Credentials) String() string { return c.Login() + ":****" }

// GoString never shows the password, even with %#v.
func (c Credentials) GoString() string {
	return fmt.Sprintf("tenantapi.Credentials{%q, ****}", c.Login())
}
