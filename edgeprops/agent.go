package edgeprops

import (
	"os"
	"strconv"
	"strings"
)

// Keys of the Edge agent's edge-agent.properties.
const (
	KeyCloudURL          = "c8y.url"
	KeyRemoteManagement  = "remote.management.enabled"
	KeyBootstrapTenant   = "c8y.bootstrap.tenant"
	KeyBootstrapUser     = "c8y.bootstrap.user"
	KeyBootstrapPassword = "c8y.bootstrap.password"
)

// Defaults of the bootstrap account the device uses to fetch its credentials.
const (
	DefaultBootstrapTenant = "management"
	DefaultBootstrapUser   = "devicebootstrap"
)

// Environment variables that override the bootstrap account (see WithEnv).
const (
	EnvBootstrapTenant   = "C8Y_BOOTSTRAP_TENANT"
	EnvBootstrapUser     = "C8Y_BOOTSTRAP_USER"
	EnvBootstrapPassword = "C8Y_BOOTSTRAP_PASSWORD"
)

// AgentConfig is what edge-setup manages in usr/edge/properties/edge-agent/edge-agent.properties.
type AgentConfig struct {
	URL               string // c8y.url, the cloud tenant; "" when remote management is disabled
	RemoteManagement  bool   // remote.management.enabled
	BootstrapTenant   string // c8y.bootstrap.tenant, default "management"
	BootstrapUser     string // c8y.bootstrap.user, default "devicebootstrap"
	BootstrapPassword string // c8y.bootstrap.password: a secret, never log or show it
}

// DefaultAgentConfig is the configuration of an Edge whose agent file is
// missing: remote management disabled, the default bootstrap account.
func DefaultAgentConfig() AgentConfig {
	return AgentConfig{BootstrapTenant: DefaultBootstrapTenant, BootstrapUser: DefaultBootstrapUser}
}

// LoadAgentConfig reads the agent configuration. A missing file, key or empty
// bootstrap tenant or user gives the defaults. remote.management.enabled is
// true when it reads "true" in any case, as Java's Boolean.parseBoolean.
func (s *Store) LoadAgentConfig() (AgentConfig, error) {
	p, _, err := s.readProps(AgentPropsFile)
	if err != nil {
		return AgentConfig{}, err
	}
	c := DefaultAgentConfig()
	c.URL, _ = p.Get(KeyCloudURL)
	rm, _ := p.Get(KeyRemoteManagement)
	c.RemoteManagement = strings.EqualFold(strings.TrimSpace(rm), "true")
	if v, _ := p.Get(KeyBootstrapTenant); v != "" {
		c.BootstrapTenant = v
	}
	if v, _ := p.Get(KeyBootstrapUser); v != "" {
		c.BootstrapUser = v
	}
	c.BootstrapPassword, _ = p.Get(KeyBootstrapPassword)
	return c, nil
}

// SaveAgentConfig writes exactly c's values into the agent file, keeping its
// comments, order and other keys: callers load, modify and save. c8y.url and
// remote.management.enabled are always written (an empty URL disables
// remote management); an empty bootstrap tenant, user or password removes
// that key (the agent then uses its default, or has no bootstrap password).
// The file is 0600 when it holds a bootstrap password, else 0644.
func (s *Store) SaveAgentConfig(c AgentConfig) error {
	return s.updateProps(AgentPropsFile, func(p *Properties) {
		p.Set(KeyCloudURL, c.URL)
		p.Set(KeyRemoteManagement, strconv.FormatBool(c.RemoteManagement))
		setOrDelete(p, KeyBootstrapTenant, c.BootstrapTenant)
		setOrDelete(p, KeyBootstrapUser, c.BootstrapUser)
		setOrDelete(p, KeyBootstrapPassword, c.BootstrapPassword)
	}, agentMode)
}

func agentMode(p *Properties) os.FileMode {
	if v, ok := p.Get(KeyBootstrapPassword); ok && v != "" {
		return 0o600
	}
	return 0o644
}

// WithEnv returns c with the bootstrap account overridden by the non-empty
// environment variables C8Y_BOOTSTRAP_TENANT, C8Y_BOOTSTRAP_USER and
// C8Y_BOOTSTRAP_PASSWORD (getenv is os.Getenv, or a stub in tests).
func (c AgentConfig) WithEnv(getenv func(string) string) AgentConfig {
	if getenv == nil {
		return c
	}
	if v := getenv(EnvBootstrapTenant); v != "" {
		c.BootstrapTenant = v
	}
	if v := getenv(EnvBootstrapUser); v != "" {
		c.BootstrapUser = v
	}
	if v := getenv(EnvBootstrapPassword); v != "" {
		c.BootstrapPassword = v
	}
	return c
}
