package plain

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/databroker"
	"github.com/edge-setup/edge-setup/steps/options"
)

// dataBroker is menu entry B in plain mode: the connectors with their
// state and alarms, then n creates one (the same step as the TUI).
func (u *UI) dataBroker(ctx context.Context) error {
	u.printf("\n%s - %s\n", steps.DataBrokerLetter, options.DataBroker{}.Title(u.env))
	if err := (options.DataBroker{}).Available(u.env); err != nil {
		u.println("  x Not available now: " + err.Error())
		return nil
	}
	b, err := options.NewDataBroker(u.env, nil)
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
	for i, v := range ov.Connectors {
		u.printf("%d. %s [%s] to %s: %s\n   %s\n", i+1, v.Connector.Name, v.State.Name, v.Connector.InstanceURL, v.Shares, v.State.Meaning)
		for _, a := range v.Alarms {
			u.printf("   %s: %s\n     -> %s\n", a.Severity, a.Text, a.Todo)
		}
		u.printOperations(v.Operations)
	}
	ask := "Enter n to create a connector, or press Enter to go back: "
	if len(ov.Connectors) > 0 {
		ask = "Enter n to create a connector, e and its number to edit one (e 1), or press Enter to go back: "
	}
	for {
		line, err := u.readLine(ask)
		if err != nil {
			return err
		}
		cmd, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
		switch {
		case cmd == "":
			return nil
		case cmd == "n":
			return u.RunStep(ctx, options.DataBrokerConnector{})
		case cmd == "e" && len(ov.Connectors) == 1 && arg == "":
			return u.RunStep(ctx, options.DataBrokerEdit{Connector: ov.Connectors[0].Connector})
		case cmd == "e":
			n, err := strconv.Atoi(strings.TrimSpace(arg))
			if err == nil && n >= 1 && n <= len(ov.Connectors) {
				return u.RunStep(ctx, options.DataBrokerEdit{Connector: ov.Connectors[n-1].Connector})
			}
			u.printf("  x %q is not the number of a connector above: write e and a number from 1 to %d\n", arg, len(ov.Connectors))
		default:
			u.printf("  x %q is not n, e or Enter\n", line)
		}
	}
}

// printOperations lists the operations that came from the cloud.
func (u *UI) printOperations(ops databroker.Operations) {
	if ops.NotSynchronised {
		u.println("   Warning: " + databroker.NoOperationsWarning)
	}
	if ops.Unknown != "" {
		u.println("   Operations from the cloud unknown: " + ops.Unknown)
	}
	for _, o := range ops.List {
		u.println("   Operation from the cloud: " + o.Line())
	}
}

// followLink prints the link's states until it is active (Ctrl+C stops
// following; the connector stays).
func (u *UI) followLink(ctx context.Context, s options.DataBrokerConnector, a steps.Answers) error {
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
			for _, l := range options.DataBrokerHelp(b.CloudURL) {
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
