package options

import (
	"context"
	"fmt"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/system"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// TenantPassword is option 6, "Update tenant password": the tenant admin
// password changes on the Edge's own platform first, then in config.dat and
// the reuse history. None of the last PasswordHistorySize passwords may be
// reused.
type TenantPassword struct{}

// EdgeTenantID is the tenant of the Edge's own platform whose admin option 6
// changes; config.dat's tenant.id overrides it.
const EdgeTenantID = "edge"

// DefaultEdgeURL is the Edge's own platform API.
const DefaultEdgeURL = "http://localhost:8181"

func (TenantPassword) Number() int             { return 6 }
func (TenantPassword) Title(*steps.Env) string { return "Update tenant password" }

func (TenantPassword) Available(env *steps.Env) error {
	if err := system.RequirePostInstall(env); err != nil {
		return err
	}
	_, _, err := edgeAdmin(env)
	return err
}

// edgeAdmin reads the admin's credentials from config.dat.
func edgeAdmin(env *steps.Env) (tenantapi.Credentials, *edgeprops.ConfigDat, error) {
	d, err := env.Props.LoadConfigDat()
	if err != nil {
		return tenantapi.Credentials{}, nil, fmt.Errorf("cannot read /%s: %w", edgeprops.ConfigDatFile, err)
	}
	user := d.Get(steps.CfgAdminUser)
	pw, err := d.AdminPassword()
	if err != nil {
		return tenantapi.Credentials{}, nil, fmt.Errorf("the tenant password in /%s cannot be decoded (%v): run option 2 again to store it", edgeprops.ConfigDatFile, err)
	}
	if user == "" || pw == "" {
		return tenantapi.Credentials{}, nil, fmt.Errorf("/%s has no tenant admin user or password: run option 2 (Run post-installation) first", edgeprops.ConfigDatFile)
	}
	tenant := d.Get(steps.CfgTenantID)
	if tenant == "" {
		tenant = EdgeTenantID
	}
	return tenantapi.Credentials{Tenant: tenant, User: user, Password: pw}, d, nil
}

func (TenantPassword) NextPrompt(env *steps.Env, a steps.Answers) (*steps.Prompt, error) {
	cr, _, err := edgeAdmin(env)
	if err != nil {
		return nil, err
	}
	if !a.Has(steps.CfgAdminPassword) {
		return system.NewPasswordPrompt(steps.CfgAdminPassword, system.PromptNewAdminPassword, system.NotReused(env, cr.Password)), nil
	}
	if !a.Has(steps.KeyPasswordAgain) {
		return system.ReenterPasswordPrompt(steps.KeyPasswordAgain, steps.CfgAdminPassword, a), nil
	}
	return nil, nil
}

func edgeURL(env *steps.Env) string {
	if env.EdgeURL != "" {
		return env.EdgeURL
	}
	return DefaultEdgeURL
}

func (TenantPassword) Confirm(env *steps.Env, a steps.Answers) []string {
	cr, _, err := edgeAdmin(env)
	if err != nil {
		return []string{err.Error()}
	}
	return []string{
		fmt.Sprintf("Change the password of %s/%s on the Edge platform (%s) to the one entered (not shown)", cr.Tenant, cr.User, edgeURL(env)),
		"Store it in /" + edgeprops.ConfigDatFile + " (mode 0600, base64 encoded)",
		fmt.Sprintf("Remember the old and new password as salted hashes (last %d) so they are not reused", system.PasswordHistorySize),
	}
}

func (TenantPassword) Run(ctx context.Context, env *steps.Env, a steps.Answers, emit steps.Emit) error {
	t := steps.NewTrackerContext(ctx, emit)
	newPw := a[steps.CfgAdminPassword]
	cr, _, err := edgeAdmin(env)
	if err != nil {
		return err
	}
	if err := changeAdminPassword(ctx, env, t, cr, newPw); err != nil {
		return err
	}
	if err := system.RecordDone(env, t, 6); err != nil {
		return err
	}
	t.Info(fmt.Sprintf("The password of %s/%s is changed. Use the new password to log in to the Edge.", cr.Tenant, cr.User))
	return nil
}
