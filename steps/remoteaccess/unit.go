package remoteaccess

import "strings"

// RelayUnit is the relay's systemd unit for the packaged binary: the text of
// deploy/systemd/edge-setup-remote-access.service (a test keeps them equal).
// S writes RelayUnitFor the binary that runs it.
var RelayUnit = RelayUnitFor(PackagedBinary)

// PackagedBinary is where the Debian package installs edge-setup.
const PackagedBinary = "/usr/bin/edge-setup"

// RelayUnitFor is the relay's unit starting the edge-setup at binary (an
// absolute path; quoted for systemd when it holds more than plain path
// characters).
func RelayUnitFor(binary string) string {
	return strings.Replace(relayUnitTemplate, "@BINARY@", systemdQuote(binary), 1)
}

func systemdQuote(s string) string {
	plain := strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._+-", r))
	}) < 0
	if plain && s != "" {
		return s
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "%", "%%", "$", "$$", "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

const relayUnitTemplate = `# Installed by edge-setup's option S (or copy it to /etc/systemd/system/).
[Unit]
Description=edge-setup remote access relay (answers c8y_RemoteAccessConnect)
After=network-online.target
Wants=network-online.target

[Service]
ExecStart=@BINARY@ remote-access serve
Restart=on-failure
RestartSec=5
# Each session runs in a process of its own: stopping or upgrading the
# relay must not end them (they end when closed, or after an idle hour).
KillMode=process
# serve ends with 130 (interrupted) on SIGTERM: a clean stop.
SuccessExitStatus=130
# Environment=HTTPS_PROXY=http://proxy.example:3128
NoNewPrivileges=true

[Install]
WantedBy=multi-user.target
`
