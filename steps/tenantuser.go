package steps

import (
	"strings"

	"github.com/edge-setup/edge-setup/tenantapi"
)

// Answer keys of option 7 (also the keys of answer files).
const (
	KeyCloudURL          = "cloud_url"
	KeyBootstrapPassword = "bootstrap_password"
	KeyTenantUser        = "tenant_user"
	KeyTenantPassword    = "tenant_password"
)

// TenantUserCredentials accepts "user" or "tenantID/user".
func TenantUserCredentials(env *Env, user, pw string) tenantapi.Credentials {
	tenant := env.EnvVar("C8Y_TENANT")
	if t, u, ok := strings.Cut(user, "/"); ok {
		tenant, user = t, u
	}
	return tenantapi.Credentials{Tenant: tenant, User: user, Password: pw}
}
