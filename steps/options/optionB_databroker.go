package options

import (
	"errors"
	"fmt"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/databroker"
	"github.com/edge-setup/edge-setup/steps/system"
	"github.com/edge-setup/edge-setup/tenantapi"
	wire "github.com/edge-setup/edge-setup/tenantapi/databroker"
)

// DataBroker is menu entry B, "Data Broker: share Edge data with the cloud
// tenant": the Edge's own tenant (admin from config.dat, platform at
// --edge-url) shares its data with the cloud tenant of option 7. The
// workflow is in steps/databroker; creating a connector is the step
// DataBrokerConnector.
type DataBroker struct{}

// Title is the menu text.
func (DataBroker) Title(*steps.Env) string {
	return "Data Broker: share Edge data with the cloud tenant"
}

// Available needs option 2 (the Edge tenant's admin) and a cloud URL
// (option 7), and says which is missing.
func (DataBroker) Available(env *steps.Env) error {
	_, _, _, err := dataBrokerSetup(env)
	return err
}

// dataBrokerSetup reads the Edge admin, the cloud URL and the Edge's domain.
func dataBrokerSetup(env *steps.Env) (admin tenantapi.Credentials, cloudURL, domain string, err error) {
	if err := system.RequirePostInstall(env); err != nil {
		return admin, "", "", fmt.Errorf("the Data Broker needs the Edge tenant's admin: %w", err)
	}
	admin, d, err := edgeAdmin(env)
	if err != nil {
		return admin, "", "", err
	}
	cfg, err := env.Props.LoadAgentConfig()
	if err != nil {
		return admin, "", "", err
	}
	if cfg.URL == "" {
		return admin, "", "", errors.New("no cloud tenant is configured: choose 7 (Configure Edge Agent) and enter the cloud URL; the Data Broker shares with that tenant")
	}
	return admin, cfg.URL, d.Get(steps.CfgDomain), nil
}

// NewDataBroker builds the workflow: the Edge's platform as its admin and,
// when cloud is not nil (or C8Y_USER/C8Y_PASSWORD are set), the cloud
// tenant as that user.
func NewDataBroker(env *steps.Env, cloud *tenantapi.Credentials) (*databroker.Broker, error) {
	admin, cloudURL, domain, err := dataBrokerSetup(env)
	if err != nil {
		return nil, err
	}
	edge, err := env.NewClient(edgeURL(env))
	if err != nil {
		return nil, err
	}
	b := &databroker.Broker{Edge: &wire.Client{API: edge, As: admin}, CloudURL: cloudURL, Domain: domain, Now: env.CurrentTime}
	if env.Cadence != nil {
		b.PollEvery = env.Cadence.Ceiling // tests and benchmarks poll fast
	}
	if cloud == nil {
		cloud = EnvTenantUser(env)
	}
	if cloud != nil {
		c, err := env.NewClient(cloudURL)
		if err != nil {
			return nil, err
		}
		b.Cloud = &wire.Destination{API: c, As: *cloud}
	}
	return b, nil
}

// DataBrokerHelp is what the cloud tenant's admin does without this console.
func DataBrokerHelp(cloudURL string) []string {
	return []string{
		"1. Log in to " + cloudURL + " as an admin and open Administration > Data Broker > Data subscriptions.",
		"2. Click \"Add data subscription\" and enter the security code shown here.",
		"3. Wait until the subscription shows \"Pending\" (the Edge connects within seconds), then accept it.",
		"This screen follows the connector and shows Active once data flows; the Edge's devices appear in the cloud under a group named like the connector.",
	}
}

// OptionLabel is how a step is named in titles and logs: its menu letter
// when it has one (B), else its number.
func OptionLabel(s steps.Step) string {
	if l, ok := s.(interface{ Letter() string }); ok {
		return l.Letter()
	}
	return fmt.Sprint(s.Number())
}
