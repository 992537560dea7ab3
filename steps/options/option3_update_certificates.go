package options

import (
	"context"
	"errors"
	"fmt"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/system"
)

// UpdateCertificates is option 3, "Update license and SSL certificates":
// the certificate, key and licence of the domain configured by option 2 are
// replaced (previous files kept as <name>.bak) and the web server reloads.
type UpdateCertificates struct{}

// PromptUpdateFile is option 3's file-mode question (reference).
const PromptUpdateFile = "* Enter existing file path containing update parameters:"

func (UpdateCertificates) Number() int             { return 3 }
func (UpdateCertificates) Title(*steps.Env) string { return "Update license and SSL certificates" }

func (UpdateCertificates) Available(env *steps.Env) error {
	if err := system.RequirePostInstall(env); err != nil {
		return err
	}
	_, err := ConfiguredDomain(env)
	return err
}

// ConfiguredDomain is the domain option 2 stored in config.dat.
func ConfiguredDomain(env *steps.Env) (string, error) {
	d, err := env.Props.LoadConfigDat()
	if err != nil {
		return "", fmt.Errorf("cannot read /%s: %w", edgeprops.ConfigDatFile, err)
	}
	domain := d.Get(steps.CfgDomain)
	if domain == "" {
		return "", errors.New("/" + edgeprops.ConfigDatFile + " names no tenant domain (tenant.domain.name): run option 2 (Run post-installation) first")
	}
	return domain, nil
}

func (UpdateCertificates) NextPrompt(env *steps.Env, a steps.Answers) (*steps.Prompt, error) {
	domain, err := ConfiguredDomain(env)
	if err != nil {
		return nil, err
	}
	return system.NextInput(env, a, PromptUpdateFile, certificateFields(env, func(steps.Answers) string { return domain }))
}

func (UpdateCertificates) Confirm(env *steps.Env, a steps.Answers) []string {
	domain, err := ConfiguredDomain(env)
	if err != nil {
		return []string{err.Error()}
	}
	return append(certificateConfirm(env, a, domain),
		"Update the file paths in /"+edgeprops.ConfigDatFile)
}

func (UpdateCertificates) Run(ctx context.Context, env *steps.Env, a steps.Answers, emit steps.Emit) error {
	t := steps.NewTrackerContext(ctx, emit)
	domain, err := ConfiguredDomain(env)
	if err != nil {
		return err
	}
	x := newFileTxn(env)
	if err := installCertificates(ctx, env, t, x, a, domain, func(*edgeprops.ConfigDat) error { return nil }); err != nil {
		return err
	}
	if err := system.RecordDone(env, t, 3); err != nil {
		return err
	}
	t.Info("The web server now serves the new certificate for " + domain + ". Browsers that cached the old one may need a reload.")
	return nil
}
