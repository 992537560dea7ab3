package edgeprops

import ()

// Keys of credentials.properties.
const (
	KeyCredTenant   = "c8y.tenant"
	KeyCredUsername = "c8y.username"
	KeyCredPassword = "c8y.password"
	KeyCredURL      = "c8y.url"
)

// Credentials are the device credentials the Edge got from its cloud tenant
// when it was registered. Password is a secret: never log or show it.
type Credentials struct {
	Tenant   string // c8y.tenant
	Username string // c8y.username
	Password string // c8y.password
	URL      string // c8y.url: the tenant URL the credentials belong to
}

// LoadCredentials reads the device credentials. ok is false when the file is
// missing, or holds no username or no password (the device is then not
// registered).
func (s *Store) LoadCredentials() (c Credentials, ok bool, err error) {
	p, exists, err := s.readProps(CredentialsFile)
	if err != nil || !exists {
		return Credentials{}, false, err
	}
	c.Tenant, _ = p.Get(KeyCredTenant)
	c.Username, _ = p.Get(KeyCredUsername)
	c.Password, _ = p.Get(KeyCredPassword)
	c.URL, _ = p.Get(KeyCredURL)
	return c, c.Username != "" && c.Password != "", nil
}

// SaveCredentials writes c into credentials.properties (mode 0600), keeping
// the file's comments and other keys; an empty field removes its key.
func (s *Store) SaveCredentials(c Credentials) error {
	return s.updateProps(CredentialsFile, func(p *Properties) {
		setOrDelete(p, KeyCredTenant, c.Tenant)
		setOrDelete(p, KeyCredUsername, c.Username)
		setOrDelete(p, KeyCredPassword, c.Password)
		setOrDelete(p, KeyCredURL, c.URL)
	}, fixedMode(0o600))
}

// DeleteCredentials removes credentials.properties durably. A missing file is fine.
func (s *Store) DeleteCredentials() error {
	path := s.Path(CredentialsFile)
	return s.update(func() error {
		return s.confined().Remove(path) // a link is removed, not followed
	})
}
