package steps

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/edge-setup/edge-setup/tenantapi"
)

// VerifyTenantURL proves that url answers like a Cumulocity tenant
// (unauthenticated GET /tenant/loginOptions).
func VerifyTenantURL(ctx context.Context, env *Env, url string) error {
	c, err := env.NewClient(url)
	if err != nil {
		return err
	}
	if err := c.LoginOptions(ctx); err != nil {
		return errors.New(tenantapi.Explain(err))
	}
	return nil
}

// RegistrationRole lets a tenant user create and accept registration requests.
const RegistrationRole = "ROLE_DEVICE_CONTROL_ADMIN"

// VerifyTenantUser proves tenant user credentials and that the user may
// register devices.
func VerifyTenantUser(ctx context.Context, env *Env, url string, cr tenantapi.Credentials) error {
	c, err := env.NewClient(url)
	if err != nil {
		return err
	}
	u, err := c.CurrentUser(ctx, cr)
	if errors.Is(err, tenantapi.ErrUnauthorized) {
		return MustCorrect(fmt.Errorf("the tenant refused user %q (401): check the password, or press Esc and choose 7 again to give another user name (write tenantID/user if the tenant needs it)", cr.User))
	}
	if err != nil {
		return errors.New(tenantapi.Explain(err))
	}
	if !slices.Contains(u.Roles, RegistrationRole) {
		return MustCorrect(fmt.Errorf("user %q lacks %s, so it cannot create or accept registration requests: press Esc and choose 7 again to give another user, or leave the user blank and register in the web UI", cr.User, RegistrationRole))
	}
	return nil
}
