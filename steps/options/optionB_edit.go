package options

import (
	"context"
	"fmt"
	"strings"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/databroker"
	"github.com/edge-setup/edge-setup/steps/safetext"
	wire "github.com/edge-setup/edge-setup/tenantapi/databroker"
)

// DataBrokerEdit is "edit connector" of menu entry B (e): its title,
// description and filters, with the same field checks as creating one.
// The target is fixed once saved and the security code stays: the cloud's
// data subscription goes on as it is.
type DataBrokerEdit struct {
	Connector wire.Connector // as B's list read it (made safe)
}

func (DataBrokerEdit) Number() int    { return steps.DataBrokerNumber }
func (DataBrokerEdit) Letter() string { return steps.DataBrokerLetter }
func (e DataBrokerEdit) Title(*steps.Env) string {
	return "Data Broker: edit connector " + safetext.Line(e.Connector.Name)
}

// Available: B is usable and the connector has the one filter B writes.
func (e DataBrokerEdit) Available(env *steps.Env) error {
	if err := (DataBroker{}).Available(env); err != nil {
		return err
	}
	if n := len(e.Connector.Filters); n != 1 {
		return fmt.Errorf("connector %q has %d filters and this console edits connectors with one: edit it in the Edge's Administration > Data Broker > Data connectors",
			safetext.Line(e.Connector.Name), n)
	}
	return nil
}

func (e DataBrokerEdit) NextPrompt(env *steps.Env, a steps.Answers) (*steps.Prompt, error) {
	b, err := NewDataBroker(env, nil)
	if err != nil {
		return nil, err
	}
	return connectorFieldPrompt(env, b, a, &e.Connector)
}

// Confirm is the plan: what changes, what stays.
func (e DataBrokerEdit) Confirm(env *steps.Env, a steps.Answers) []string {
	cur := connectorDefaults(env, &e.Connector)
	words := map[string]func(string) string{KeyDBShare: databroker.ShareWords, KeyDBDevices: devicesWords, KeyDBFragments: orAll, KeyDBType: orAll,
		KeyDBTitle: quoted, KeyDBDescription: quoted}
	names := []struct{ key, name string }{{KeyDBTitle, "Title"}, {KeyDBDescription, "Description"}, {KeyDBShare, "Shares"},
		{KeyDBDevices, "Whose data"}, {KeyDBFragments, "Fragments to copy"}, {KeyDBType, "Type filter"}}
	var lines, same []string
	for _, n := range names {
		was, now := cur[n.key], a[n.key]
		if n.key == KeyDBShare {
			was, _ = databroker.ParseShare(was)
		}
		if was == now {
			same = append(same, strings.ToLower(n.name[:1])+n.name[1:])
			continue
		}
		lines = append(lines, fmt.Sprintf("%s: %s -> %s", n.name, words[n.key](was), words[n.key](now)))
	}
	if len(lines) == 0 {
		lines = append(lines, "Nothing changes: every field is as the connector has it")
	} else {
		lines = append([]string{fmt.Sprintf("Change connector %q on the Edge (%s):", safetext.Line(e.Connector.Name), edgeURL(env))}, lines...)
	}
	if len(same) > 0 && len(same) < len(names) {
		lines = append(lines, "Unchanged: "+strings.Join(same, ", "))
	}
	return append(lines, "The target ("+safetext.Line(e.Connector.InstanceURL)+") and the security code stay: the cloud's data subscription goes on as it is")
}

func quoted(s string) string { return fmt.Sprintf("%q", s) }

func (e DataBrokerEdit) Run(ctx context.Context, env *steps.Env, a steps.Answers, emit steps.Emit) error {
	t := steps.NewTracker(emit)
	b, err := NewDataBroker(env, nil)
	if err != nil {
		return err
	}
	w, err := checkConnector(ctx, t, env, b, a)
	if err != nil {
		return err
	}
	return t.Do("Change the connector on the Edge", func() (string, error) {
		c, err := b.Edit(ctx, e.Connector.ID, w)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("connector %s, %s; same target and security code", safetext.Line(c.ID), databroker.StateOf(*c).Name), nil
	})
}
