package options

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/registration"
	"github.com/edge-setup/edge-setup/steps/safetext"
	"github.com/edge-setup/edge-setup/steps/system"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// EdgeAgent is option 7, "Configure Edge Agent": it writes the cloud tenant
// URL into the Edge agent's configuration, restarts the agent and then
// (through NewRegistration) registers the Edge with that tenant.
type EdgeAgent struct{}

// Prompt texts of option 7 beyond the reference's cloud URL prompt.
const (
	PromptBootstrapPassword = "* Enter device bootstrap password (from your platform operator):"
	PromptTenantUser        = "* Enter tenant user to register the device from this console (leave blank to use the tenant's web UI):"
	PromptTenantPassword    = "* Enter password of tenant user %s:"
)

func (EdgeAgent) Number() int                { return 7 }
func (EdgeAgent) Title(*steps.Env) string    { return "Configure Edge Agent" }
func (EdgeAgent) Available(*steps.Env) error { return nil }

func (EdgeAgent) NextPrompt(env *steps.Env, a steps.Answers) (*steps.Prompt, error) {
	cfg, err := env.Props.LoadAgentConfig()
	if err != nil {
		return nil, err
	}
	if !a.Has(steps.KeyCloudURL) {
		return system.CloudURLPrompt(env, steps.KeyCloudURL, cfg.URL), nil
	}
	if a[steps.KeyCloudURL] == "" {
		return nil, nil
	}
	if user := RegisteredHere(env, cfg, a[steps.KeyCloudURL]); user != "" {
		if !a.Has(KeyConnectedAction) {
			return connectedActionPrompt(a[steps.KeyCloudURL], user), nil
		}
		if a[KeyConnectedAction] != ConnectedRegister {
			return nil, nil // check: no bootstrap password, no tenant user
		}
	}
	if cfg.WithEnv(env.EnvVar).BootstrapPassword == "" && !a.Has(steps.KeyBootstrapPassword) {
		return &steps.Prompt{
			Key:      steps.KeyBootstrapPassword,
			Text:     PromptBootstrapPassword,
			Help:     "Devices ask the tenant for their credentials as " + cfg.BootstrapTenant + "/" + cfg.BootstrapUser + "; it is stored in " + edgeprops.AgentPropsFile + " (mode 0600).",
			Secret:   true,
			Validate: required("the bootstrap password"),
		}, nil
	}
	if EnvTenantUser(env) != nil {
		return nil, nil
	}
	if !a.Has(steps.KeyTenantUser) {
		return &steps.Prompt{
			Key:     steps.KeyTenantUser,
			Text:    PromptTenantUser,
			Help:    "Optional: a user with device registration rights lets this console create and accept the request. Not stored.",
			Default: env.EnvVar("C8Y_USER"),
			Validate: func(s string) (string, error) {
				s = strings.TrimSpace(s)
				if strings.ContainsAny(s, " \t:") {
					return "", errors.New("a user name has no spaces or ':'; write tenantID/user if the tenant needs it")
				}
				return s, nil
			},
		}, nil
	}
	if a[steps.KeyTenantUser] != "" && !a.Has(steps.KeyTenantPassword) {
		return &steps.Prompt{
			Key:      steps.KeyTenantPassword,
			Text:     fmt.Sprintf(PromptTenantPassword, a[steps.KeyTenantUser]),
			Secret:   true,
			Validate: required("the password"),
			Verify: func(ctx context.Context, pw string) error {
				cr := steps.TenantUserCredentials(env, a[steps.KeyTenantUser], pw)
				return steps.VerifyTenantUser(ctx, env, a[steps.KeyCloudURL], cr)
			},
			Verified: func(string) string {
				return "tenant user " + a[steps.KeyTenantUser] + " may create and accept registration requests"
			},
		}, nil
	}
	return nil, nil
}

func (EdgeAgent) Confirm(env *steps.Env, a steps.Answers) []string {
	cfg, _ := env.Props.LoadAgentConfig()
	url := a[steps.KeyCloudURL]
	if user := RegisteredHere(env, cfg, url); user != "" && a.Has(KeyConnectedAction) {
		return connectedConfirm(a, url, user)
	}
	path := "/" + edgeprops.AgentPropsFile
	if cfg.URL == url && cfg.RemoteManagement && a[steps.KeyBootstrapPassword] == "" && !discardsCredentials(env, cfg, url) {
		return []string{
			fmt.Sprintf("Keep c8y.url=%s (unchanged): nothing is written and the edge-agent is not restarted", url),
			registerLine(env, a),
		}
	}
	restart := "Restart the edge-agent service" + plannedOnly(env)
	if url == "" {
		lines := ConnectionChange(env, cfg, url)
		lines = append(lines, fmt.Sprintf("Disable remote management: empty c8y.url and set remote.management.enabled=false in %s", path))
		return append(lines, "Keep the device ID", restart)
	}
	lines := ConnectionChange(env, cfg, url)
	lines = append(lines, fmt.Sprintf("Set c8y.url=%s and remote.management.enabled=true in %s", url, path))
	if a[steps.KeyBootstrapPassword] != "" {
		lines = append(lines, "Store the bootstrap password in "+path+" (mode 0600)")
	}
	if discardsCredentials(env, cfg, url) {
		lines = append(lines, fmt.Sprintf("Discard the device credentials for %s: they are of no use at %s", cfg.URL, url))
	}
	return append(lines, restart, registerLine(env, a))
}

func (EdgeAgent) Run(ctx context.Context, env *steps.Env, a steps.Answers, emit steps.Emit) error {
	t := steps.NewTrackerContext(ctx, emit)
	var id string
	err := t.Do("Read the Edge device ID", func() (string, error) {
		var created bool
		var err error
		id, created, err = env.Props.DeviceID()
		if created {
			return id + " (new)", err
		}
		return id, err
	})
	if err != nil {
		return err
	}
	if a[KeyConnectedAction] == ConnectedRegister {
		if err := t.Do("Discard the device credentials", func() (string, error) {
			return "registering again", env.Props.DeleteCredentials()
		}); err != nil {
			return err
		}
	}
	if err := applyAgentConfig(ctx, env, a[steps.KeyCloudURL], a[steps.KeyBootstrapPassword], t); err != nil {
		return err
	}
	if a[steps.KeyCloudURL] == "" {
		t.Info(fmt.Sprintf("Remote management is disabled: the Edge does not connect to a cloud tenant. The device ID %s is kept for later.", id))
	}
	return system.RecordDone(env, t, 7)
}

// ApplyCloudURL writes the cloud URL into the agent configuration (blank
// disables remote management) and restarts the agent when something
// changed. Option 2 shares it.
func ApplyCloudURL(ctx context.Context, env *steps.Env, url string, t *steps.Tracker) error {
	return applyAgentConfig(ctx, env, url, "", t)
}

func applyAgentConfig(ctx context.Context, env *steps.Env, url, bootstrapPassword string, t *steps.Tracker) error {
	cfg, err := env.Props.LoadAgentConfig()
	if err != nil {
		return err
	}
	next := cfg
	next.URL = url
	next.RemoteManagement = url != ""
	if bootstrapPassword != "" {
		next.BootstrapPassword = bootstrapPassword
	}
	if discardsCredentials(env, cfg, url) {
		err := t.Do("Discard the device credentials of "+cfg.URL, func() (string, error) {
			return "they are not valid at " + url, env.Props.DeleteCredentials()
		})
		if err != nil {
			return err
		}
	}
	if next == cfg {
		t.Skip("Write /"+edgeprops.AgentPropsFile, "unchanged")
		t.Skip("Restart the edge-agent service", "configuration unchanged")
		return nil
	}
	err = t.Do("Write /"+edgeprops.AgentPropsFile, func() (string, error) {
		if url == "" {
			return "remote management disabled", env.Props.SaveAgentConfig(next)
		}
		return "c8y.url=" + url, env.Props.SaveAgentConfig(next)
	})
	if err != nil {
		return err
	}
	return t.Do("Restart the edge-agent service", func() (string, error) {
		_, err := env.Runner.Run(ctx, t.Emit, registration.AgentServiceRestart)
		if err != nil {
			return "", fmt.Errorf("%w; the new configuration is saved and takes effect when the agent restarts", err)
		}
		if !env.Runner.Execute {
			return "planned (sandbox root)", nil
		}
		return "", nil
	})
}

// registerLine says how the registration will go: with a tenant user this
// console creates and accepts the request, without one the tenant's web UI does.
func registerLine(env *steps.Env, a steps.Answers) string {
	user := a[steps.KeyTenantUser]
	if cr := EnvTenantUser(env); cr != nil {
		user = cr.User
	}
	if user == "" {
		return "Then register this Edge with the tenant (no tenant user: register and accept it in the tenant's Device Management)"
	}
	return "Then register this Edge with the tenant (as tenant user " + user + ": this console can create and accept the request)"
}

// discardsCredentials: stored device credentials belong to one tenant; a new
// host makes them useless.
func discardsCredentials(env *steps.Env, cfg edgeprops.AgentConfig, url string) bool {
	if url == "" {
		return false
	}
	creds, ok, err := env.Props.LoadCredentials()
	if err != nil || !ok {
		return false
	}
	owner := creds.URL
	if owner == "" {
		owner = cfg.URL
	}
	return owner != "" && !system.SameHost(owner, url)
}

// NewRegistration builds the registration workflow for the answers of
// option 7 and the stored configuration. It returns nil when remote
// management is disabled.
func (EdgeAgent) NewRegistration(env *steps.Env, a steps.Answers) (*registration.Registration, error) {
	cfg, err := env.Props.LoadAgentConfig()
	if err != nil {
		return nil, err
	}
	cfg = cfg.WithEnv(env.EnvVar)
	url := cfg.URL
	if a.Has(steps.KeyCloudURL) {
		url = a[steps.KeyCloudURL]
	}
	if url == "" {
		return nil, nil
	}
	// c8y.url may have been written by hand or by another program: it is
	// checked as a typed one (and made safe before it is named).
	if n, err := system.NormalizeCloudURL(url); err != nil {
		return nil, fmt.Errorf("the cloud URL %s in %s cannot be used: %v; choose 7 and enter the tenant URL again", safetext.Line(url), edgeprops.AgentPropsFile, err)
	} else {
		url = n
	}
	if cfg.BootstrapPassword == "" {
		return nil, fmt.Errorf("no bootstrap password is configured: set c8y.bootstrap.password in %s or C8Y_BOOTSTRAP_PASSWORD", edgeprops.AgentPropsFile)
	}
	id, _, err := env.Props.DeviceID()
	if err != nil {
		return nil, err
	}
	client, err := env.NewClient(url)
	if err != nil {
		return nil, err
	}
	r := &registration.Registration{
		Env:       env,
		Client:    client,
		URL:       url,
		DeviceID:  id,
		Bootstrap: tenantapi.Bootstrap(cfg.BootstrapTenant, cfg.BootstrapUser, cfg.BootstrapPassword),
		Cadence:   steps.DefaultCadence,
	}
	if env.Cadence != nil {
		r.Cadence = *env.Cadence
	}
	if cr := EnvTenantUser(env); cr != nil {
		r.Tenant = cr
	} else if a[steps.KeyTenantUser] != "" {
		cr := steps.TenantUserCredentials(env, a[steps.KeyTenantUser], a[steps.KeyTenantPassword])
		r.Tenant = &cr
		env.RememberTenantUser(cr)
	}
	return r, nil
}

// EnvTenantUser returns the tenant user from C8Y_USER/C8Y_PASSWORD (and
// C8Y_TENANT), the names go-c8y-cli uses, or nil.
func EnvTenantUser(env *steps.Env) *tenantapi.Credentials {
	user, pw := env.EnvVar("C8Y_USER"), env.EnvVar("C8Y_PASSWORD")
	if user == "" || pw == "" {
		return nil
	}
	cr := steps.TenantUserCredentials(env, user, pw)
	return &cr
}

func required(what string) func(string) (string, error) {
	return func(s string) (string, error) {
		if s == "" {
			return "", fmt.Errorf("%s cannot be empty", what)
		}
		return s, nil
	}
}
