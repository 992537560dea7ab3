package steps

import (
	"context"
	"fmt"

	"github.com/edge-setup/edge-setup/edgeprops"
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

func (TenantPassword) Number() int       { return 6 }
func (TenantPassword) Title(*Env) string { return "Update tenant password" }

func (TenantPassword) Available(env *Env) error {
	if err := requirePostInstall(env); err != nil {
		return err
	}
	_, _, err := edgeAdmin(env)
	return err
}

// edgeAdmin reads the admin's credentials from config.dat.
func edgeAdmin(env *Env) (tenantapi.Credentials, *edgeprops.ConfigDat, error) {
	d, err := env.Props.LoadConfigDat()
	if err != nil {
		return tenantapi.Credentials{}, nil, fmt.Errorf("cannot read /%s: %w", edgeprops.ConfigDatFile, err)
	}
	user := d.Get(CfgAdminUser)
	pw, err := d.AdminPassword()
	if err != nil {
		return tenantapi.Credentials{}, nil, fmt.Errorf("the tenant password in /%s cannot be decoded (%v): run option 2 again to store it", edgeprops.ConfigDatFile, err)
	}
	if user == "" || pw == "" {
		return tenantapi.Credentials{}, nil, fmt.Errorf("/%s has no tenant admin user or password: run option 2 (Run post-installation) first", edgeprops.ConfigDatFile)
	}
	tenant := d.Get(CfgTenantID)
	if tenant == "" {
		tenant = EdgeTenantID
	}
	return tenantapi.Credentials{Tenant: tenant, User: user, Password: pw}, d, nil
}

func (TenantPassword) NextPrompt(env *Env, a Answers) (*Prompt, error) {
	cr, _, err := edgeAdmin(env)
	if err != nil {
		return nil, err
	}
	if !a.Has(CfgAdminPassword) {
		return NewPasswordPrompt(CfgAdminPassword, PromptNewAdminPassword, NotReused(env, cr.Password)), nil
	}
	if !a.Has(KeyPasswordAgain) {
		return ReenterPasswordPrompt(KeyPasswordAgain, CfgAdminPassword, a), nil
	}
	return nil, nil
}

func edgeURL(env *Env) string {
	if env.EdgeURL != "" {
		return env.EdgeURL
	}
	return DefaultEdgeURL
}

func (TenantPassword) Confirm(env *Env, a Answers) []string {
	cr, _, err := edgeAdmin(env)
	if err != nil {
		return []string{err.Error()}
	}
	return []string{
		fmt.Sprintf("Change the password of %s/%s on the Edge platform (%s) to the one entered (not shown)", cr.Tenant, cr.User, edgeURL(env)),
		"Store it in /" + edgeprops.ConfigDatFile + " (mode 0600, base64 encoded)",
		fmt.Sprintf("Remember the old and new password as salted hashes (last %d) so they are not reused", PasswordHistorySize),
	}
}

func (TenantPassword) Run(ctx context.Context, env *Env, a Answers, emit Emit) error {
	t := NewTrackerContext(ctx, emit)
	newPw := a[CfgAdminPassword]
	cr, _, err := edgeAdmin(env)
	if err != nil {
		return err
	}
	if err := changeAdminPassword(ctx, env, t, cr, newPw); err != nil {
		return err
	}
	if err := recordDone(env, t, 6); err != nil {
		return err
	}
	t.Info(fmt.Sprintf("The password of %s/%s is changed. Use the new password to log in to the Edge.", cr.Tenant, cr.User))
	return nil
}
