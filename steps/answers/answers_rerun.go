package answers

import (
	"bytes"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/system"
)

// The rerun rule: an option of an answers file whose answers the Edge
// already holds has nothing to do, and apply does not run it (running it
// would restart services, re-run the post-installer or move backups).
// alreadyDone says why, or "".
func alreadyDone(env *steps.Env, n int, a steps.Answers) string {
	switch {
	case n == 7 && a[options.KeyConnectedAction] == options.ConnectedCheck:
		cfg, _ := env.Props.LoadAgentConfig()
		return "unchanged: this Edge is registered with " + a[steps.KeyCloudURL] + " as " + options.RegisteredHere(env, cfg, a[steps.KeyCloudURL])
	// From the console or a parameter file alike: by now a holds the
	// file's values too.
	case n == 1 && networkMatches(env, a):
		return "unchanged: the network is configured with these answers"
	case n == 2 && postInstallMatches(env, a):
		return "unchanged: post-installation ran with these answers"
	case n == 3 && certificatesMatch(env, a):
		return "unchanged: these certificate, key and licence are installed"
	}
	return ""
}

// networkMatches: config.dat, the netplan file and the Docker bridge hold
// option 1's answers.
func networkMatches(env *steps.Env, a steps.Answers) bool {
	if !configDatHas(env, a, steps.CfgNetworkIP, steps.CfgNetmask, steps.CfgGateway, steps.CfgDNS) {
		return false
	}
	iface, _, err := system.PrimaryInterface(env)
	prefix, perr := system.ParseNetmask(a[steps.CfgNetmask])
	if err != nil || perr != nil {
		return false
	}
	want, err := system.RenderNetplan(iface, a[steps.CfgNetworkIP], prefix, a[steps.CfgGateway], a[steps.CfgDNS])
	if err != nil || !hostFileIs(env, system.NetplanFile, want) {
		return false
	}
	cur, err := system.CurrentDockerBridge(env)
	return err == nil && (cur == a[steps.CfgDockerBridge] || (cur == "" && a[steps.CfgDockerBridge] == system.DefaultDockerBridge))
}

// postInstallMatches: option 2 completed with these answers: the admin, its
// password and the domain in config.dat, the certificate, key and licence
// installed as given, and the agent's cloud URL.
func postInstallMatches(env *steps.Env, a steps.Answers) bool {
	if _, ok, err := system.Completed(env, 2); err != nil || !ok || !configDatHas(env, a, steps.CfgAdminUser, steps.CfgDomain) {
		return false
	}
	d, err := env.Props.LoadConfigDat()
	if err != nil {
		return false
	}
	if pw, err := d.AdminPassword(); err != nil || pw != a[steps.CfgAdminPassword] {
		return false
	}
	if !certificatesInstalled(env, a, a[steps.CfgDomain]) {
		return false
	}
	cfg, err := env.Props.LoadAgentConfig()
	return err == nil && cfg.URL == a[steps.CfgCloudURL] && cfg.RemoteManagement == (a[steps.CfgCloudURL] != "")
}

// certificatesMatch: option 3 would install what is installed (the same
// three files, and config.dat names them).
func certificatesMatch(env *steps.Env, a steps.Answers) bool {
	domain, err := options.ConfiguredDomain(env)
	if err != nil || !certificatesInstalled(env, a, domain) {
		return false
	}
	cert, key, lic := options.CertTargets(domain, a[steps.CfgLicence])
	d, err := env.Props.LoadConfigDat()
	return err == nil && d.Get(steps.CfgCertificate) == cert && d.Get(steps.CfgCertKey) == key && d.Get(steps.CfgLicence) == lic
}

// certificatesInstalled: the certificate, key and licence answered are the
// files installed for domain.
func certificatesInstalled(env *steps.Env, a steps.Answers, domain string) bool {
	cert, key, lic := options.CertTargets(domain, a[steps.CfgLicence])
	for src, dst := range map[string]string{a[steps.CfgCertificate]: cert, a[steps.CfgCertKey]: key, a[steps.CfgLicence]: lic} {
		data, err := system.ReadOperatorFile(env, src, "file")
		if err != nil || !hostFileIs(env, dst, data) {
			return false
		}
	}
	return true
}

func configDatHas(env *steps.Env, a steps.Answers, keys ...string) bool {
	d, err := env.Props.LoadConfigDat()
	if err != nil {
		return false
	}
	for _, k := range keys {
		if d.Get(k) != a[k] {
			return false
		}
	}
	return true
}

// hostFileIs: the file at host path p holds exactly want.
func hostFileIs(env *steps.Env, p string, want []byte) bool {
	data, err := system.ReadOperatorFile(env, p, "file")
	return err == nil && bytes.Equal(data, want)
}
