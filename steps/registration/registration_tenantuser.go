package registration

import (
	"context"
	"errors"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// UseTenantUser takes the user of TenantUserPrompt's answers.
func (r *Registration) UseTenantUser(a steps.Answers) {
	if a[steps.KeyTenantUser] == "" {
		return
	}
	cr := steps.TenantUserCredentials(r.Env, a[steps.KeyTenantUser], a[steps.KeyTenantPassword])
	r.Tenant = &cr
	r.Env.RememberTenantUser(cr)
}

// TenantStatus reads the request's status as the tenant user only (the
// device's credentials are not asked for, so nothing is handed out here).
func (r *Registration) TenantStatus(ctx context.Context) (string, error) {
	if r.Tenant == nil {
		return "", errors.New("no tenant user credentials: set C8Y_USER and C8Y_PASSWORD")
	}
	req, err := r.Client.NewDeviceRequest(ctx, *r.Tenant, r.DeviceID)
	switch {
	case err == nil:
		return DisplayStatus(req.Status), nil
	case errors.Is(err, tenantapi.ErrNotFound):
		return StatusNotRegistered, nil
	}
	return "", steps.Explain("reading the registration request as the tenant user failed", err)
}
