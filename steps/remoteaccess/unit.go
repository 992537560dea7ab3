package remoteaccess

// RelayUnit is the relay's systemd unit S installs; the same text is
// deploy/systemd/edge-setup-remote-access.service (a test keeps them equal).
const RelayUnit = `# Installed by edge-setup's option S (or copy it to /etc/systemd/system/).
[Unit]
Description=edge-setup remote access relay (answers c8y_RemoteAccessConnect)
After=network-online.target
Wants=network-online.target

[Service]
ExecStart=/opt/c8y/utilities/edge-setup remote-access serve
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
