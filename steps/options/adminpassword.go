package options

import (
	"context"
	"errors"
	"fmt"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/system"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// changeAdminPassword changes the tenant admin password on the Edge's own
// platform first (as the admin, with the password from config.dat), then in
// config.dat and in the reuse history. When the platform refuses or cannot
// be reached nothing changes; when config.dat cannot be written the platform
// password is set back. Options 4 and 6 share it.
func changeAdminPassword(ctx context.Context, env *steps.Env, t *steps.Tracker, cr tenantapi.Credentials, newPw string) error {
	if err := t.Do("Check the new password", func() (string, error) {
		if err := system.CheckPasswordPolicy(newPw); err != nil {
			return "", err
		}
		return "policy and last " + fmt.Sprint(system.PasswordHistorySize) + " passwords", system.NotReused(env, cr.Password)(newPw)
	}); err != nil {
		return fmt.Errorf("%w; nothing was changed", err)
	}
	if err := t.Do("Change the password on the Edge platform", func() (string, error) {
		c, err := env.NewClient(edgeURL(env))
		if err != nil {
			return "", err
		}
		return cr.Tenant + "/" + cr.User, c.ChangeOwnPassword(ctx, cr, cr.Password, newPw)
	}); err != nil {
		return fmt.Errorf("%s; nothing was changed: the old password stays valid", passwordChangeReason(env, cr, err))
	}
	if err := t.Do("Store the new password in config.dat", func() (string, error) {
		d, err := env.Props.LoadConfigDat()
		if err != nil {
			return "", err
		}
		d.SetAdminPassword(newPw)
		return "/" + edgeprops.ConfigDatFile + " (0600)", env.Props.SaveConfigDat(d)
	}); err != nil {
		return revertPlatformPassword(ctx, env, t, cr, newPw, err)
	}
	if err := t.Do("Remember the passwords for the reuse check", func() (string, error) {
		return "salted hashes", system.RememberPasswords(env, cr.Password, newPw)
	}); err != nil {
		t.Warn(fmt.Sprintf("The password was changed and stored, but the reuse history could not be updated (%v): the next change cannot refuse this password.", err))
	}
	return nil
}

// passwordChangeReason turns a platform error into what the operator should know.
func passwordChangeReason(env *steps.Env, cr tenantapi.Credentials, err error) string {
	var te *tenantapi.Error
	switch {
	case errors.Is(err, tenantapi.ErrUnauthorized):
		return fmt.Sprintf("the Edge platform refused the stored password of %s/%s (%s): config.dat does not hold the current password; if it was changed outside edge-setup, change it back on the platform or put the current one (base64) in tenant.admin.password of /%s", cr.Tenant, cr.User, tenantapi.Explain(err), edgeprops.ConfigDatFile)
	case errors.As(err, &te) && te.StatusCode == 422:
		return fmt.Sprintf("the Edge platform refused the new password (%s): it breaks the platform's own password rules or history; choose another password", tenantapi.Explain(err))
	}
	return fmt.Sprintf("the password could not be changed on the Edge platform at %s (%s): check that the platform is up (GET %s/tenant/health) and try again", edgeURL(env), tenantapi.Explain(err), edgeURL(env))
}

// revertPlatformPassword sets the platform password back when config.dat
// could not take the new one, so that both agree again.
func revertPlatformPassword(ctx context.Context, env *steps.Env, t *steps.Tracker, cr tenantapi.Credentials, newPw string, cause error) error {
	err := t.Do("Set the old password back on the Edge platform", func() (string, error) {
		c, err := env.NewClient(edgeURL(env))
		if err != nil {
			return "", err
		}
		next := cr
		next.Password = newPw
		return "config.dat and the platform agree again", c.ChangeOwnPassword(ctx, next, newPw, cr.Password)
	})
	if err == nil {
		return fmt.Errorf("%w; the platform password was set back, so nothing was changed: fix the cause and run option 6 again", cause)
	}
	return fmt.Errorf("%w; the Edge platform now uses the NEW password but config.dat still holds the old one, and setting it back failed (%s): log in with the new password and fix config.dat (tenant.admin.password is the base64 of the password) before running other options", cause, tenantapi.Explain(err))
}
