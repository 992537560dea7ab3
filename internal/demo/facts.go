package demo

// The demo's fixed facts, printed in its intro and banner; exported for
// the tests that drive the binary or an answers file against a demo.
const (
	TenantID          = demoTenantID
	User              = demoUser
	Password          = demoPassword
	EdgeAdmin         = demoEdgeAdmin
	EdgeAdminPassword = demoEdgeAdminPass
	Domain            = demoDomain
	FilesDir          = demoFilesDir
	SSHUser           = demoSSHUser
)

// URL is the cloud tenant's (a loopback tenantsim).
func (d *Demo) URL() string { return d.url }

// SSHAddr is the demo sshd's host:port (option S's target).
func (d *Demo) SSHAddr() string { return d.remoteAccess.sshd.addr }
