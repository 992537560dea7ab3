package options

import (
	"errors"
	"strings"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/registration"
)

// TenantUserPrompt is the next question for giving a tenant user to a
// registration already waiting (a resumed one, or one started with the
// user left blank): the user name, then its password, checked against the
// tenant like option 7's. It returns nil once both are answered; then
// UseTenantUser makes the registration able to create and accept its
// request. The user is kept in memory only, as in option 7.
func TenantUserPrompt(r *registration.Registration, a steps.Answers) (*steps.Prompt, error) {
	b := steps.Answers{steps.KeyCloudURL: r.URL}
	for k, v := range a {
		b[k] = v
	}
	if !b.Has(steps.KeyBootstrapPassword) {
		b[steps.KeyBootstrapPassword] = "" // configured: the registration runs
	}
	p, err := EdgeAgent{}.NextPrompt(r.Env, b)
	if err != nil || p == nil {
		return p, err
	}
	if p.Key == steps.KeyTenantUser {
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
