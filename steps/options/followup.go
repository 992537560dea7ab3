package options

import (
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/databroker"
	"github.com/edge-setup/edge-setup/steps/registration"
)

// FollowUp is what comes after an option's run, decided here once for
// every front end: nothing, the registration wait (option 7), or the link
// of a new Data Broker connector (B).
type FollowUp struct {
	// Registration, when set, is waited for (option 7 with a tenant URL).
	Registration *registration.Registration
	// Broker and ConnectorID, when Broker is set, are the connector to link.
	Broker      *databroker.Broker
	ConnectorID string
}

// After returns what follows the successful run of s with answers a.
func After(env *steps.Env, s steps.Step, a steps.Answers) (FollowUp, error) {
	switch st := s.(type) {
	case DataBrokerConnector:
		b, id, err := st.NewLink(env, a)
		return FollowUp{Broker: b, ConnectorID: id}, err
	case EdgeAgent:
		reg, err := st.NewRegistration(env, a)
		return FollowUp{Registration: reg}, err
	}
	return FollowUp{}, nil
}
