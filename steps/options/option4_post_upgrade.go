package options

import (
	"context"
	"fmt"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/system"
)

// PostUpgrade is option 4, "Run post-upgrade": after an upgrade of the Edge
// appliance it makes sure the stored tenant password meets the password
// policy (asking for a new one otherwise) and restarts the platform services.
type PostUpgrade struct{}

// UpgradeCommands are the post-upgrade commands, in order. The reference
// documents only that option 4 finishes the upgrade and asks for a restart;
// these are the plausible service steps of an Edge 10.x appliance: reload
// unit files changed by the upgrade, restart the database, the core and the
// web server. Adjust here when the real procedure is known.
var UpgradeCommands = []steps.Command{
	{Name: "systemctl", Args: []string{"daemon-reload"}},
	{Name: "systemctl", Args: []string{"restart", "mongod"}, Timeout: 5 * time.Minute},
	{Name: "systemctl", Args: []string{"restart", "cumulocity-core-karaf"}, Timeout: 10 * time.Minute},
	WebServerReload,
}

func (PostUpgrade) Number() int             { return 4 }
func (PostUpgrade) Title(*steps.Env) string { return "Run post-upgrade" }

func (PostUpgrade) Available(env *steps.Env) error {
	if err := system.RefuseOverSSH(env, 4); err != nil {
		return err
	}
	return system.RequirePostInstall(env)
}

// storedPasswordProblem says why the password in config.dat cannot stay ("" when it can).
func storedPasswordProblem(env *steps.Env) (current string, problem string, err error) {
	d, err := env.Props.LoadConfigDat()
	if err != nil {
		return "", "", fmt.Errorf("cannot read /%s: %w", edgeprops.ConfigDatFile, err)
	}
	pw, err := d.AdminPassword()
	if err != nil {
		return "", "the stored tenant password cannot be decoded (" + err.Error() + ")", nil
	}
	if pw == "" {
		return "", "no tenant password is stored", nil
	}
	if perr := system.CheckPasswordPolicy(pw); perr != nil {
		return pw, "the stored tenant password does not meet the password policy: " + perr.Error(), nil
	}
	return pw, "", nil
}

func (PostUpgrade) NextPrompt(env *steps.Env, a steps.Answers) (*steps.Prompt, error) {
	current, problem, err := storedPasswordProblem(env)
	if err != nil || problem == "" {
		return nil, err
	}
	if !a.Has(steps.CfgAdminPassword) {
		p := system.NewPasswordPrompt(steps.CfgAdminPassword, system.PromptNewAdminPassword, system.NotReused(env, current))
		p.Note = problem + ". Enter a new one."
		return p, nil
	}
	if !a.Has(steps.KeyPasswordAgain) {
		return system.ReenterPasswordPrompt(steps.KeyPasswordAgain, steps.CfgAdminPassword, a), nil
	}
	return nil, nil
}

func (PostUpgrade) Confirm(env *steps.Env, a steps.Answers) []string {
	var lines []string
	if a[steps.CfgAdminPassword] != "" {
		lines = append(lines, "Change the tenant admin password (not shown) on the Edge platform ("+edgeURL(env)+") and in /"+edgeprops.ConfigDatFile)
	} else {
		lines = append(lines, "Keep the tenant admin password (the stored one meets the policy)")
	}
	for _, c := range UpgradeCommands {
		lines = append(lines, "Run "+c.String())
	}
	if env.Sandboxed() {
		lines = append(lines, "These commands are planned only: the root is a sandbox")
	}
	return append(lines, "Then restart the Edge VM")
}

func (PostUpgrade) Run(ctx context.Context, env *steps.Env, a steps.Answers, emit steps.Emit) error {
	t := steps.NewTrackerContext(ctx, emit)
	if pw := a[steps.CfgAdminPassword]; pw != "" {
		if err := replaceWeakPassword(ctx, env, t, pw); err != nil {
			return err
		}
	} else {
		t.Skip("Change the tenant password", "the stored password meets the policy")
	}
	for i, c := range UpgradeCommands {
		if err := t.Do("Run "+c.String(), func() (string, error) {
			_, err := env.Runner.Run(ctx, emit, c)
			return plannedOr(env, "done"), err
		}); err != nil {
			done := "no service command ran"
			if i > 0 {
				done = fmt.Sprintf("the commands before it ran (%d of %d)", i, len(UpgradeCommands))
			}
			changed := ""
			if a[steps.CfgAdminPassword] != "" {
				changed = "; the new tenant password is already in use (platform and config.dat)"
			}
			return fmt.Errorf("%w; %s%s: %s, then run option 4 again", err, done, changed, commandAdvice(c))
		}
	}
	if err := system.RecordDone(env, t, 4); err != nil {
		return err
	}
	t.Info("Post-upgrade finished. Restart the Edge VM now (sudo reboot) to complete the upgrade.")
	return nil
}

// commandAdvice says where to look when a systemctl command failed.
func commandAdvice(c steps.Command) string {
	if c.Name == "systemctl" && len(c.Args) >= 2 {
		unit := c.Args[len(c.Args)-1]
		return fmt.Sprintf("see why with 'systemctl status %s' and 'journalctl -u %s'", unit, unit)
	}
	return "see the output above and 'journalctl -xe'"
}

// replaceWeakPassword changes the password that failed the policy on the
// platform and in config.dat. When the stored password cannot even be read
// the platform cannot be asked; the new one is then only stored, with a
// warning.
func replaceWeakPassword(ctx context.Context, env *steps.Env, t *steps.Tracker, pw string) error {
	cr, _, err := edgeAdmin(env)
	if err == nil {
		return changeAdminPassword(ctx, env, t, cr, pw)
	}
	x := newFileTxn(env)
	if err := t.Do("Store the new tenant password in config.dat", func() (string, error) {
		if err := x.snapshot("/" + edgeprops.ConfigDatFile); err != nil {
			return "", err
		}
		d, err := env.Props.LoadConfigDat()
		if err != nil {
			return "", err
		}
		d.SetAdminPassword(pw)
		return "", env.Props.SaveConfigDat(d)
	}); err != nil {
		return x.failed(err)
	}
	if err := system.RememberPasswords(env, pw); err != nil {
		t.Warn("The reuse history could not be updated: " + err.Error())
	}
	t.Warn("The stored password could not be read, so the platform was not asked to change it: if logging in to the Edge with the new password fails, reset the admin password on the platform to the new one.")
	return nil
}
