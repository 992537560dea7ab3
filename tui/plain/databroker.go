package plain

import (
	"context"
	"fmt"
	"strings"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/databroker"
)

// dataBroker is menu entry B in plain mode: the connectors with their
// state and alarms, then n creates one (the same step as the TUI).
func (u *UI) dataBroker(ctx context.Context) error {
	u.printf("\n%s - %s\n", steps.DataBrokerLetter, steps.DataBroker{}.Title(u.env))
	if err := (steps.DataBroker{}).Available(u.env); err != nil {
		u.println("  x Not available now: " + err.Error())
		return nil
	}
	b, err := steps.NewDataBroker(u.env, nil)
	if err != nil {
		u.println("  x " + err.Error())
		return nil
	}
	ov, err := b.Overview(ctx)
	if err != nil {
		u.println("  x " + err.Error())
		return nil
	}
	if len(ov.Connectors) == 0 {
		u.println("The Edge shares no data with a cloud tenant yet.")
	}
	for _, v := range ov.Connectors {
		u.printf("- %s [%s] to %s: %s\n  %s\n", v.Connector.Name, v.State.Name, v.Connector.InstanceURL, v.Shares, v.State.Meaning)
		for _, a := range v.Alarms {
			u.printf("  %s: %s\n    -> %s\n", a.Severity, a.Text, a.Todo)
		}
	}
	line, err := u.readLine("Enter n to create a connector, or press Enter to go back: ")
	if err != nil {
		return err
	}
	if strings.TrimSpace(line) != "n" {
		return nil
	}
	return u.RunStep(ctx, steps.DataBrokerConnector{})
}

// followLink prints the link's states until it is active (Ctrl+C stops
// following; the connector stays).
func (u *UI) followLink(ctx context.Context, s steps.DataBrokerConnector, a steps.Answers) error {
	b, id, err := s.NewLink(u.env, a)
	if err != nil {
		u.println("  x " + err.Error())
		return err
	}
	u.println("Following the link with the cloud tenant (Ctrl+C stops following; the connector stays):")
	shownCode := false
	out, err := b.Follow(ctx, id, true, 0, nil, func(o databroker.LinkOutcome) {
		u.println("  " + o.Status)
		if o.Status == databroker.LinkWaitingCode && !shownCode {
			shownCode = true
			u.println("  Security code: " + o.Connector.Code)
			for _, l := range steps.DataBrokerHelp(b.CloudURL) {
				u.println("  " + l)
			}
		}
	})
	if err != nil {
		u.println("  x " + err.Error())
		return err
	}
	if out.Group != nil {
		u.println(fmt.Sprintf("Active: the cloud's virtual group is %s (%s).", out.Group.Name, out.Group.ID))
	}
	return nil
}
