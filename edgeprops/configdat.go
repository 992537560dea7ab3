package edgeprops

import (
	"encoding/base64"
	"fmt"
	"strings"
)

// Keys of the post-installer's config.dat.
const (
	KeyAdminUsername  = "tenant.admin.username"
	KeyAdminPassword  = "tenant.admin.password" // base64 encoded
	KeyDomainName     = "tenant.domain.name"
	KeySSLCertificate = "ssl.certificate"
	KeySSLKey         = "ssl.certificate.key"
	KeyLicense        = "c8y.license"
	KeyNetworkIP      = "network.ip"
	KeyNetmask        = "netmask"
	KeyGatewayIP      = "gateway.ip"
	KeyDNSServerIP    = "dns.server.ip"
)

// ConfigDat is the post-installer's opt/c8y/utilities/post-installer/config.dat,
// a key=value file that keeps the answers of options 1 to 3. It keeps the
// file's comments, order and unknown keys. It is not safe for concurrent use.
type ConfigDat struct {
	props *Properties
}

// NewConfigDat returns an empty config.dat.
func NewConfigDat() *ConfigDat {
	p, _ := ParseProperties(nil)
	return &ConfigDat{props: p}
}

// LoadConfigDat reads config.dat; a missing file gives an empty one.
func (s *Store) LoadConfigDat() (*ConfigDat, error) {
	p, _, err := s.readProps(ConfigDatFile)
	if err != nil {
		return nil, err
	}
	return &ConfigDat{props: p}, nil
}

// SaveConfigDat writes d to config.dat atomically with mode 0600 (it holds
// the tenant admin password).
func (s *Store) SaveConfigDat(d *ConfigDat) error {
	return s.update(func() error {
		return s.WriteFile(s.Path(ConfigDatFile), d.props.Bytes(), 0o600)
	})
}

// Get returns the value of key, "" when it is not set.
func (d *ConfigDat) Get(key string) string {
	v, _ := d.props.Get(key)
	return v
}

// Has reports whether key is set.
func (d *ConfigDat) Has(key string) bool {
	_, ok := d.props.Get(key)
	return ok
}

// Set sets key to value.
func (d *ConfigDat) Set(key, value string) { d.props.Set(key, value) }

// Delete removes key.
func (d *ConfigDat) Delete(key string) { d.props.Delete(key) }

// Keys returns the keys that are set.
func (d *ConfigDat) Keys() []string { return d.props.Keys() }

// AdminPassword returns the tenant admin password, decoded from base64 ("" when
// not set). It is a secret: never log or show it.
func (d *ConfigDat) AdminPassword() (string, error) {
	enc := strings.TrimSpace(d.Get(KeyAdminPassword))
	if enc == "" {
		return "", nil
	}
	pw, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		// also accept base64 written without padding
		if raw, rerr := base64.RawStdEncoding.DecodeString(strings.TrimRight(enc, "=")); rerr == nil {
			return string(raw), nil
		}
		// the error text would quote part of the secret: keep it out
		return "", fmt.Errorf("%s in config.dat is not valid base64: run option 2 (post-installation) or 6 (update tenant password) again to store it anew", KeyAdminPassword)
	}
	return string(pw), nil
}

// SetAdminPassword stores the tenant admin password, base64 encoded.
func (d *ConfigDat) SetAdminPassword(pw string) {
	d.Set(KeyAdminPassword, base64.StdEncoding.EncodeToString([]byte(pw)))
}
