package steps

import (
	"context"
	"errors"
	"strings"

	"github.com/edge-setup/edge-setup/tenantapi"
)

// TenantUserPrompt is the next question for giving a tenant user to a
// registration already waiting (a resumed one, or one started with the
// user left blank): the user name, then its password, checked against the
// tenant like option 7's. It returns nil once both are answered; then
// UseTenantUser makes the registration able to create and accept its
// request. The user is kept in memory only, as in option 7.
func (r *Registration) TenantUserPrompt(a Answers) (*Prompt, error) {
	b := Answers{KeyCloudURL: r.URL}
	for k, v := range a {
		b[k] = v
	}
	if !b.Has(KeyBootstrapPassword) {
		b[KeyBootstrapPassword] = "" // configured: the registration runs
	}
	p, err := EdgeAgent{}.NextPrompt(r.Env, b)
	if err != nil || p == nil {
		return p, err
	}
	if p.Key == KeyTenantUser {
		p.Text = "* Enter tenant user to create and accept the request from this console:"
		validate := p.Validate
		p.Validate = func(s string) (string, error) {
			if strings.TrimSpace(s) == "" {
				return "", errors.New("enter a user with device registration rights, or press Esc to go back to the registration")
			}
			return validate(s)
		}
	}
	return p, nil
}

// UseTenantUser takes the user of TenantUserPrompt's answers.
func (r *Registration) UseTenantUser(a Answers) {
	if a[KeyTenantUser] == "" {
		return
	}
	cr := TenantUserCredentials(r.Env, a[KeyTenantUser], a[KeyTenantPassword])
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
	return "", Explain("reading the registration request as the tenant user failed", err)
}
