package options

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/system"
)

// PostInstall is option 2, "Run post-installation": the tenant admin, the
// domain with its SSL certificate, key and licence, and the cloud URL. It
// writes config.dat, installs the files and applies the cloud URL.
type PostInstall struct{}

// Prompt texts of option 2 (reference).
const (
	PromptPostInstallFile = "* Enter existing file path containing post-installation parameters:"
	PromptAdminUser       = "* Enter tenant admin username:"
	PromptDomain          = "* Enter tenant domain name:"
)

func (PostInstall) Number() int                { return 2 }
func (PostInstall) Title(*steps.Env) string    { return "Run post-installation" }
func (PostInstall) Available(*steps.Env) error { return nil }

func (PostInstall) NextPrompt(env *steps.Env, a steps.Answers) (*steps.Prompt, error) {
	cfg, err := env.Props.LoadConfigDat()
	if err != nil {
		return nil, fmt.Errorf("cannot read /%s: %w", edgeprops.ConfigDatFile, err)
	}
	configured := cfg.Get(steps.CfgDomain)
	fields := []system.InputField{
		{Key: steps.CfgAdminUser, Param: steps.CfgAdminUser, Prompt: func(steps.Answers) *steps.Prompt {
			return &steps.Prompt{Key: steps.CfgAdminUser, Text: PromptAdminUser, Default: cfg.Get(steps.CfgAdminUser),
				Help: "The administrator of the Edge tenant, e.g. admin", Validate: ValidateAdminUser}
		}},
		{Key: steps.CfgAdminPassword, Param: steps.CfgAdminPassword, Prompt: func(steps.Answers) *steps.Prompt {
			return system.NewPasswordPrompt(steps.CfgAdminPassword, system.PromptAdminPassword, sameAsStored(cfg))
		}},
		{Key: steps.KeyPasswordAgain, FromFile: func(params map[string]string, a steps.Answers) (string, bool) {
			// A password accepted from the file needs no re-entry.
			v, ok := params[steps.CfgAdminPassword]
			return v, ok && v == a[steps.CfgAdminPassword]
		}, Prompt: func(a steps.Answers) *steps.Prompt {
			return system.ReenterPasswordPrompt(steps.KeyPasswordAgain, steps.CfgAdminPassword, a)
		}},
		{Key: steps.CfgDomain, Param: steps.CfgDomain, Prompt: func(steps.Answers) *steps.Prompt {
			return &steps.Prompt{Key: steps.CfgDomain, Text: PromptDomain, Default: configured,
				Help: "A fully qualified domain name, e.g. myown.iot.com; it must match the SSL certificate and the licence and cannot be changed later",
				Validate: func(s string) (string, error) {
					d, err := ValidateDomain(s)
					if err != nil {
						return "", err
					}
					if configured != "" && d != configured {
						return "", fmt.Errorf("this Edge is already configured for the domain %s, which cannot be changed: enter %s (to use another domain, install a new Edge VM)", configured, configured)
					}
					return d, nil
				}}
		}},
	}
	fields = append(fields, certificateFields(env, func(a steps.Answers) string { return a[steps.CfgDomain] })...)
	agent, err := env.Props.LoadAgentConfig()
	if err != nil {
		return nil, err
	}
	fields = append(fields, system.InputField{Key: steps.CfgCloudURL, Param: steps.CfgCloudURL, Prompt: func(steps.Answers) *steps.Prompt {
		// Prefilled as in option 7: Enter keeps the connection, it does
		// not silently disable it.
		return system.CloudURLPrompt(env, steps.CfgCloudURL, agent.URL)
	}})
	return system.NextInput(env, a, PromptPostInstallFile, fields)
}

// certificateFields are the certificate, key and licence questions shared by
// options 2 and 3.
func certificateFields(env *steps.Env, domain func(steps.Answers) string) []system.InputField {
	return []system.InputField{
		{Key: steps.CfgCertificate, Param: steps.CfgCertificate, Prompt: func(a steps.Answers) *steps.Prompt {
			d := domain(a)
			return &steps.Prompt{Key: steps.CfgCertificate, Text: fmt.Sprintf(system.PromptCertificate, d),
				Help: "PEM certificate (chain) for " + d + " or *." + system.ParentDomain(d) + ", valid today",
				Validate: func(s string) (string, error) {
					s = strings.TrimSpace(s)
					_, err := system.CheckCertificateFile(env, s, d, env.CurrentTime())
					return s, err
				}}
		}},
		{Key: steps.CfgCertKey, Param: steps.CfgCertKey, Prompt: func(a steps.Answers) *steps.Prompt {
			d := domain(a)
			return &steps.Prompt{Key: steps.CfgCertKey, Text: fmt.Sprintf(system.PromptCertKey, d),
				Help: "The unencrypted PEM private key of that certificate",
				Validate: func(s string) (string, error) {
					s = strings.TrimSpace(s)
					return s, system.CheckKeyFile(env, s, a[steps.CfgCertificate])
				}}
		}},
		{Key: steps.CfgLicence, Param: steps.CfgLicence, Prompt: func(a steps.Answers) *steps.Prompt {
			d := domain(a)
			return &steps.Prompt{Key: steps.CfgLicence, Text: fmt.Sprintf(system.PromptLicence, d),
				Help: "The licence file issued for " + d + "; it keeps its file name",
				Validate: func(s string) (string, error) {
					s = strings.TrimSpace(s)
					return s, system.CheckLicenceFile(env, s)
				}}
		}},
	}
}

func (PostInstall) Confirm(env *steps.Env, a steps.Answers) []string {
	lines := []string{
		fmt.Sprintf("Set the tenant admin to %s, with the password given (not shown)", a[steps.CfgAdminUser]),
		"Tenant domain " + a[steps.CfgDomain] + " (cannot be changed afterwards)",
	}
	lines = append(lines, certificateConfirm(env, a, a[steps.CfgDomain])...)
	lines = append(lines, "Write /"+edgeprops.ConfigDatFile+" (mode 0600, password base64 encoded)")
	cfg, _ := env.Props.LoadAgentConfig()
	switch url := a[steps.CfgCloudURL]; {
	case url == "" && cfg.URL == "":
		lines = append(lines, "Leave remote management disabled (no cloud URL)")
	case url == "":
		lines = append(lines, ConnectionChange(env, cfg, url)...)
		lines = append(lines, "Set remote.management.enabled=false and restart the edge-agent service")
	case url == cfg.URL && cfg.RemoteManagement:
		lines = append(lines, "Keep the Edge agent connected to "+url+" (unchanged)")
	default:
		lines = append(lines, ConnectionChange(env, cfg, url)...)
		lines = append(lines, "Connect the Edge agent to "+url+" and restart it")
	}
	return lines
}

// certificateConfirm lists the file installs of options 2 and 3.
func certificateConfirm(env *steps.Env, a steps.Answers, domain string) []string {
	certDst, keyDst, licDst := CertTargets(domain, a[steps.CfgLicence])
	return []string{
		fmt.Sprintf("Install the SSL certificate %s as %s", a[steps.CfgCertificate], certDst),
		fmt.Sprintf("Install the SSL certificate key %s as %s (mode 0600)", a[steps.CfgCertKey], keyDst),
		fmt.Sprintf("Install the licence %s as %s", a[steps.CfgLicence], licDst),
		"Keep replaced files as <name>.bak; reload the web server (" + WebServerReload.String() + ")" + plannedOnly(env),
	}
}

func (PostInstall) Run(ctx context.Context, env *steps.Env, a steps.Answers, emit steps.Emit) error {
	t := steps.NewTrackerContext(ctx, emit)
	domain := a[steps.CfgDomain]
	x := newFileTxn(env)
	if err := installCertificates(ctx, env, t, x, a, domain, func(d *edgeprops.ConfigDat) error {
		if cur := d.Get(steps.CfgDomain); cur != "" && cur != domain {
			return fmt.Errorf("config.dat now holds the domain %s, which cannot be changed: run option 2 again with %s", cur, cur)
		}
		d.Set(steps.CfgAdminUser, a[steps.CfgAdminUser])
		d.SetAdminPassword(a[steps.CfgAdminPassword])
		d.Set(steps.CfgDomain, domain)
		return nil
	}); err != nil {
		return err
	}
	if err := t.Do("Remember the password for the reuse check", func() (string, error) {
		return "salted hash, last 10 kept", system.RememberPasswords(env, a[steps.CfgAdminPassword])
	}); err != nil {
		return fmt.Errorf("%w; the certificates, licence and config.dat are installed: run option 2 again to finish", err)
	}
	if err := ApplyCloudURL(ctx, env, a[steps.CfgCloudURL], t); err != nil {
		return fmt.Errorf("%w; the certificates, licence and config.dat are installed but the cloud URL was not applied: run option 2 (or option 7) again", err)
	}
	return system.RecordDone(env, t, 2)
}

// EdgeCertDir is where the Edge's web server reads the domain's SSL
// certificate, key and licence (host path). Certificate and key get fixed
// names after the domain; the licence keeps the name it was issued with.
const EdgeCertDir = "/opt/c8y/certs"

// WebServerReload makes the Edge's web server (nginx) load a new
// certificate; reload-or-restart also works when it is not running yet.
var WebServerReload = steps.Command{Name: "systemctl", Args: []string{"reload-or-restart", "nginx"}}

// CertTargets are the host paths of the installed files.
func CertTargets(domain, licenceTyped string) (cert, key, licence string) {
	return EdgeCertDir + "/" + domain + ".crt", EdgeCertDir + "/" + domain + ".key", EdgeCertDir + "/" + filepath.Base(licenceTyped)
}

// installCertificates checks the certificate, key and licence again,
// installs them (keeping backups), updates config.dat (with edit for the
// option's own keys) and reloads the web server. On failure every file is
// restored.
func installCertificates(ctx context.Context, env *steps.Env, t *steps.Tracker, x *fileTxn, a steps.Answers, domain string, edit func(*edgeprops.ConfigDat) error) error {
	certDst, keyDst, licDst := CertTargets(domain, a[steps.CfgLicence])
	var cert, key, lic []byte
	if err := t.Do("Check the certificate, key and licence", func() (string, error) {
		c, err := system.CheckCertificateFile(env, a[steps.CfgCertificate], domain, env.CurrentTime())
		if err != nil {
			return "", err
		}
		if err := system.CheckKeyFile(env, a[steps.CfgCertKey], a[steps.CfgCertificate]); err != nil {
			return "", err
		}
		if err := system.CheckLicenceFile(env, a[steps.CfgLicence]); err != nil {
			return "", err
		}
		cert, _ = system.ReadOperatorFile(env, a[steps.CfgCertificate], "SSL certificate file")
		key, _ = system.ReadOperatorFile(env, a[steps.CfgCertKey], "SSL certificate key file")
		lic, _ = system.ReadOperatorFile(env, a[steps.CfgLicence], "licence file")
		return "certificate valid until " + c.NotAfter.UTC().Format("2006-01-02"), nil
	}); err != nil {
		return fmt.Errorf("%w; nothing was changed", err)
	}
	cfg, err := env.Props.LoadConfigDat()
	if err != nil {
		return fmt.Errorf("cannot read /%s: %w; nothing was changed", edgeprops.ConfigDatFile, err)
	}
	oldLicence := cfg.Get(steps.CfgLicence)
	for _, f := range []struct {
		name, dst string
		data      []byte
		perm      fs.FileMode
	}{
		{"Install the SSL certificate", certDst, cert, 0o644},
		{"Install the SSL certificate key", keyDst, key, 0o600},
		{"Install the licence", licDst, lic, 0o644},
	} {
		if err := t.Do(f.name, func() (string, error) {
			return installFile(x, f.dst, f.data, f.perm)
		}); err != nil {
			return x.failed(err)
		}
	}
	if oldLicence != "" && oldLicence != licDst && strings.HasPrefix(oldLicence, EdgeCertDir+"/") {
		if err := t.Do("Retire the previous licence", func() (string, error) {
			bak, err := x.backup(oldLicence, nil)
			if err != nil || bak == "" {
				return "not present", err
			}
			return "kept as " + bak, x.remove(oldLicence)
		}); err != nil {
			return x.failed(err)
		}
	}
	if err := t.Do("Write config.dat", func() (string, error) {
		if err := x.snapshot("/" + edgeprops.ConfigDatFile); err != nil {
			return "", err
		}
		if err := edit(cfg); err != nil {
			return "", err
		}
		cfg.Set(steps.CfgCertificate, certDst)
		cfg.Set(steps.CfgCertKey, keyDst)
		cfg.Set(steps.CfgLicence, licDst)
		return "/" + edgeprops.ConfigDatFile + " (0600)", env.Props.SaveConfigDat(cfg)
	}); err != nil {
		return x.failed(err)
	}
	return t.Do("Reload the web server", func() (string, error) {
		if _, err := env.Runner.Run(ctx, t.Emit, WebServerReload); err != nil {
			return "", x.failed(fmt.Errorf("%w; the web server keeps the previous certificate", err))
		}
		return plannedOr(env, "reloaded"), nil
	})
}

// installFile writes data to dst, keeping the previous different content as
// dst.bak.
func installFile(x *fileTxn, dst string, data []byte, perm fs.FileMode) (string, error) {
	bak, err := x.backup(dst, data)
	if err != nil {
		return "", err
	}
	if err := x.write(dst, data, perm); err != nil {
		return "", err
	}
	if bak != "" {
		return dst + " (previous kept as " + bak + ")", nil
	}
	return dst, nil
}

// ValidateAdminUser checks a tenant admin user name: what the platform
// accepts as a login and what Basic authentication can carry.
func ValidateAdminUser(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", errors.New("enter the user name of the tenant administrator, e.g. admin")
	case len(s) > 64:
		return "", fmt.Errorf("the user name has %d characters; use at most 64", len(s))
	case strings.HasPrefix(strings.ToLower(s), "device_"):
		return "", errors.New("user names starting with device_ are reserved for devices: choose another name, e.g. admin")
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-@", r)
		if !ok {
			return "", fmt.Errorf("%s is not allowed in a user name: use letters, digits and . _ - @ only", system.DescribeRune(r))
		}
	}
	if !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z' || s[0] >= '0' && s[0] <= '9') {
		return "", errors.New("a user name must start with a letter or a digit")
	}
	return s, nil
}

// ValidateDomain checks a tenant domain: a fully qualified domain name with
// at least two labels, no scheme, path, port or wildcard. It returns it in
// lower case without a trailing dot.
func ValidateDomain(s string) (string, error) {
	d := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(s), "."))
	switch {
	case d == "":
		return "", errors.New("enter the tenant domain name, e.g. myown.iot.com")
	case strings.Contains(d, "://") || strings.ContainsAny(d, "/:"):
		return "", fmt.Errorf("%q is not a domain name: enter only the name, without https:// , port or path, e.g. myown.iot.com", s)
	case strings.Contains(d, "*"):
		return "", errors.New("enter the domain itself, not a wildcard: e.g. myown.iot.com for a *.iot.com certificate")
	case strings.ContainsAny(d, " \t"):
		return "", fmt.Errorf("%q contains spaces: a domain name has none", s)
	case len(d) > 253:
		return "", errors.New("the domain name is longer than 253 characters")
	}
	if isIPLiteral(d) {
		return "", fmt.Errorf("%s is an IP address: the Edge needs a domain name (its certificate and licence are issued for a name)", d)
	}
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return "", fmt.Errorf("%q is not fully qualified: enter at least two labels, e.g. %s.iot.com", d, d)
	}
	if err := system.CheckHostName(d); err != nil {
		return "", err
	}
	tld := labels[len(labels)-1]
	if strings.Trim(tld, "0123456789") == "" {
		return "", fmt.Errorf("%q is not a domain name: its last label %q is all digits", d, tld)
	}
	return d, nil
}

func isIPLiteral(s string) bool {
	_, err := system.ParseIPv4(s, "")
	return err == nil
}

// sameAsStored refuses, on a second run of option 2, a password other than
// the one config.dat holds: option 2 does not change the platform's admin
// password, so config.dat would no longer match it (option 6 changes it).
func sameAsStored(cfg *edgeprops.ConfigDat) func(string) error {
	old, err := cfg.AdminPassword()
	return func(pw string) error {
		if err == nil && old != "" && pw != old {
			return errors.New("this Edge already has a tenant admin password (in config.dat) and option 2 does not change it: enter the current password; change it with option 6 (Update tenant password)")
		}
		return nil
	}
}
