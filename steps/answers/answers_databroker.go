package answers

import (
	"context"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/databroker"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/safetext"
)

// DataBrokerKey is option B's field in an answers file: the title of the
// connector the file wants. A rerun finds it and changes nothing (or
// only what the file changed):
//
//   - option: B
//     databroker: Edge line 1
//     answers:
//     share: measurements, alarms
//     devices: all
//     tenant_user: admin                  # optional: creates and accepts the subscription
//     tenant_password: {env: C8Y_PASSWORD}
const DataBrokerKey = "databroker"

// DataBrokerLinkTimeout bounds how long apply waits for the link to become
// active (with a cloud tenant user).
const DataBrokerLinkTimeout = 5 * time.Minute

// optionStep is the step an answers file names by number (B = DataBrokerNumber).
func optionStep(n int) steps.Step {
	if n == steps.DataBrokerNumber {
		return options.DataBrokerConnector{}
	}
	return options.ByNumber(n)
}

// parseBroker reads `databroker:`: required for option B, refused elsewhere.
func (c *checker) parseBroker(fo *fileOption, n *yaml.Node, option int) bool {
	switch {
	case n != nil && option != steps.DataBrokerNumber:
		c.problem(n.Line, "%s: only option B (the Data Broker) takes it", DataBrokerKey)
		return false
	case option != steps.DataBrokerNumber:
		return true
	case n == nil || n.Kind != yaml.ScalarNode || n.Value == "":
		c.problem(fo.line, "option B needs `%s: <connector title>`: the connector the file wants (a rerun then finds it and changes nothing)", DataBrokerKey)
		return false
	}
	fo.broker = n.Value
	return true
}

// applyDataBrokerLink links the connector with the cloud tenant after
// option B saved it: with a cloud tenant user it creates and accepts the
// data subscription and waits until data flows; without one it says what
// the cloud's admin must do (the security code is not printed: it lets a
// tenant subscribe to this Edge's data; menu B shows it).
func applyDataBrokerLink(ctx context.Context, env *steps.Env, po PlannedOption, emit steps.Emit, sleep func(context.Context, time.Duration) error) error {
	t := steps.NewTrackerContext(ctx, emit)
	b, id, err := options.DataBrokerConnector{}.NewLink(env, po.Answers)
	if err != nil {
		return err
	}
	if b.Cloud == nil {
		c, err := b.Connector(ctx, id)
		if err != nil {
			return err
		}
		if st := databroker.StateOf(*c); st.Name == databroker.StateWaiting {
			t.Info("No cloud tenant user was given: the cloud tenant's admin must add a data subscription with the connector's security code " +
				"(choose B in the menu to see it) and accept it; or give tenant_user and tenant_password to do it from here.")
		} else {
			t.Info("Connector " + safetext.Line(c.Name) + " is " + st.Name + ": " + st.Meaning)
		}
		return nil
	}
	return t.Do("Link with the cloud tenant", func() (string, error) {
		out, err := b.Follow(ctx, id, true, DataBrokerLinkTimeout, sleep, func(o databroker.LinkOutcome) {
			if tr := o.Trouble(); tr != "" {
				t.Info("Data Broker link: " + o.Status + "; " + tr)
			} else {
				t.Info("Data Broker link: " + o.Status)
			}
		})
		if err != nil {
			return "", err
		}
		if out.Group != nil {
			return "active; the cloud's virtual group is " + out.Group.Name + " (" + out.Group.ID + ")", nil
		}
		return "active", nil
	})
}
