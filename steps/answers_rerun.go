package steps

import (
	"bytes"
)

// The rerun rule: an option of an answers file whose answers the Edge
// already holds has nothing to do, and apply does not run it (running it
// would restart services, re-run the post-installer or move backups).
// alreadyDone says why, or "".
func alreadyDone(env *Env, n int, a Answers) string {
	switch {
	case n == 7 && a[KeyConnectedAction] == ConnectedCheck:
		cfg, _ := env.Props.LoadAgentConfig()
		return "unchanged: this Edge is registered with " + a[KeyCloudURL] + " as " + registeredHere(env, cfg, a[KeyCloudURL])
	case n == 1 && a[KeyInputMode] == InputConsole && networkMatches(env, a):
		return "unchanged: the network is configured with these answers"
	case n == 2 && a[KeyInputMode] == InputConsole && postInstallMatches(env, a):
		return "unchanged: post-installation ran with these answers"
	case n == 3 && certificatesMatch(env, a):
		return "unchanged: these certificate, key and licence are installed"
	}
	return ""
}

// networkMatches: config.dat, the netplan file and the Docker bridge hold
// option 1's answers.
func networkMatches(env *Env, a Answers) bool {
	if !configDatHas(env, a, CfgNetworkIP, CfgNetmask, CfgGateway, CfgDNS) {
		return false
	}
	iface, _, err := primaryInterface(env)
	prefix, perr := ParseNetmask(a[CfgNetmask])
	if err != nil || perr != nil {
		return false
	}
	want, err := renderNetplan(iface, a[CfgNetworkIP], prefix, a[CfgGateway], a[CfgDNS])
	if err != nil || !hostFileIs(env, NetplanFile, want) {
		return false
	}
	cur, err := currentDockerBridge(env)
	return err == nil && (cur == a[CfgDockerBridge] || (cur == "" && a[CfgDockerBridge] == DefaultDockerBridge))
}

// postInstallMatches: option 2 completed with these answers: the admin, its
// password and the domain in config.dat, the certificate, key and licence
// installed as given, and the agent's cloud URL.
func postInstallMatches(env *Env, a Answers) bool {
	if _, ok, err := Completed(env, 2); err != nil || !ok || !configDatHas(env, a, CfgAdminUser, CfgDomain) {
		return false
	}
	d, err := env.Props.LoadConfigDat()
	if err != nil {
		return false
	}
	if pw, err := d.AdminPassword(); err != nil || pw != a[CfgAdminPassword] {
		return false
	}
	if !certificatesInstalled(env, a, a[CfgDomain]) {
		return false
	}
	cfg, err := env.Props.LoadAgentConfig()
	return err == nil && cfg.URL == a[CfgCloudURL] && cfg.RemoteManagement == (a[CfgCloudURL] != "")
}

// certificatesMatch: option 3 would install what is installed (the same
// three files, and config.dat names them).
func certificatesMatch(env *Env, a Answers) bool {
	domain, err := configuredDomain(env)
	if err != nil || !certificatesInstalled(env, a, domain) {
		return false
	}
	cert, key, lic := certTargets(domain, a[CfgLicence])
	d, err := env.Props.LoadConfigDat()
	return err == nil && d.Get(CfgCertificate) == cert && d.Get(CfgCertKey) == key && d.Get(CfgLicence) == lic
}

// certificatesInstalled: the certificate, key and licence answered are the
// files installed for domain.
func certificatesInstalled(env *Env, a Answers, domain string) bool {
	cert, key, lic := certTargets(domain, a[CfgLicence])
	for src, dst := range map[string]string{a[CfgCertificate]: cert, a[CfgCertKey]: key, a[CfgLicence]: lic} {
		data, err := readOperatorFile(env, src, "file")
		if err != nil || !hostFileIs(env, dst, data) {
			return false
		}
	}
	return true
}

func configDatHas(env *Env, a Answers, keys ...string) bool {
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
func hostFileIs(env *Env, p string, want []byte) bool {
	data, err := readOperatorFile(env, p, "file")
	return err == nil && bytes.Equal(data, want)
}
