package steps

// Keys of config.dat (/opt/c8y/utilities/post-installer/config.dat) as the
// reference script writes them. They are also the keys of the parameter
// files of options 1, 2 and 3 and the Answers keys of those options.
const (
	CfgAdminUser     = "tenant.admin.username"
	CfgAdminPassword = "tenant.admin.password" // base64 in config.dat, plain in a parameter file
	CfgDomain        = "tenant.domain.name"
	CfgCertificate   = "ssl.certificate"
	CfgCertKey       = "ssl.certificate.key"
	CfgLicence       = "c8y.license"
	CfgNetworkIP     = "network.ip"
	CfgNetmask       = "netmask"
	CfgGateway       = "gateway.ip"
	CfgDNS           = "dns.server.ip"
	// Added by edge-setup (parameter files only, never the reference's config.dat):
	CfgDockerBridge = "docker.bridge.cidr"
	CfgCloudURL     = "c8y.url"
	// CfgTenantID overrides the Edge tenant's ID ("edge") for option 6.
	CfgTenantID = "tenant.id"
)

// Answers keys that are not config.dat keys.
const (
	KeyPasswordAgain = "tenant.admin.password.again"
)
