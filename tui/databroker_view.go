package tui

import (
	"fmt"
	"strings"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/databroker"
	"github.com/edge-setup/edge-setup/steps/options"
)

func (p *brokerPage) View() string {
	s := p.c.styles
	var b strings.Builder
	line := func(str string, indent int) { b.WriteString(p.c.wrap(str, indent) + "\n") }
	line(s.Subtitle.Render(steps.DataBrokerLetter+" - "+options.DataBroker{}.Title(p.c.env)), 0)
	if p.notice != "" {
		line(p.notice, 0)
	}
	b.WriteString("\n")
	switch {
	case p.unavail != "":
		line(s.Error.Render(symFailed+" Not available now"), 0)
		line("  "+p.unavail, 2)
		return strings.TrimRight(b.String(), "\n")
	case p.overview == nil && p.loadErr == "":
		line(p.spinner.View()+" Reading the Edge's connectors…", 0)
		return strings.TrimRight(b.String(), "\n")
	}
	if p.broker != nil {
		line(s.Label.Render("Edge ")+p.broker.Edge.API.BaseURL()+s.Dim.Render("  →  ")+s.Label.Render("cloud ")+p.broker.CloudURL, 0)
	}
	if p.loadErr != "" {
		line(s.Error.Render(symFailed+" ")+p.loadErr, 2)
	}
	if p.overview != nil {
		if len(p.overview.Connectors) == 0 {
			line("", 0)
			line("The Edge shares no data with a cloud tenant yet. Press "+s.Key.Render("n")+" to create a connector: "+
				"this console then also creates and accepts the data subscription in the cloud tenant when you give it a cloud tenant user.", 0)
		}
		for i, v := range p.overview.Connectors {
			b.WriteString("\n")
			b.WriteString(p.connectorView(v, i == p.cursor))
		}
		if p.overview.AlarmsUnknown != "" {
			line(s.Warning.Render(symWarn+" ")+p.overview.AlarmsUnknown, 2)
		}
	}
	b.WriteString("\n")
	switch {
	case p.confirm != nil:
		line(s.Warning.Render(symWarn+" ")+databroker.DeleteWarning(*p.confirm, p.broker.CloudURL), 2)
		line(s.Subtitle.Render("Delete it? [y/N]"), 0)
	case p.action != "":
		line(p.spinner.View()+" "+strings.ToUpper(p.action[:1])+p.action[1:]+"…", 0)
	case p.actionErr != "":
		line(s.Error.Render(symFailed+" ")+p.actionErr, 2)
	}
	return strings.TrimRight(b.String(), "\n")
}

// connectorView is one connector: title and state, then target, shares,
// last synchronisation, what the state means, and its alarms.
func (p *brokerPage) connectorView(v databroker.ConnectorView, selected bool) string {
	s := p.c.styles
	c := v.Connector
	var b strings.Builder
	line := func(str string) { b.WriteString(p.c.wrap(str, 4) + "\n") }
	head := c.Name + "  " + p.stateBadge(v.State.Name)
	if selected {
		line(s.Selected.Render("› "+c.Name) + "  " + p.stateBadge(v.State.Name))
	} else {
		line("  " + head)
	}
	line("    " + s.Label.Render("to ") + c.InstanceURL + s.Dim.Render(" · shares ") + v.Shares)
	sync := "never"
	if !c.LastSync.IsZero() {
		sync = c.LastSync.Local().Format("2006-01-02 15:04:05")
	}
	line("    " + s.Dim.Render(v.State.Meaning+" · last synchronisation "+sync))
	if v.State.Todo != "" && selected {
		line("    " + s.Dim.Render("→ "+v.State.Todo))
	}
	if sum := v.Operations.Summary(); sum != "" {
		line("    " + s.Dim.Render(sum))
	}
	if v.Operations.NotSynchronised {
		line("    " + s.Warning.Render(symWarn+" ") + databroker.NoOperationsWarning)
	}
	for _, a := range v.Alarms {
		sev := s.Warning.Render(symWarn + " " + a.Severity)
		if a.Severity == "CRITICAL" {
			sev = s.Error.Render(symFailed + " " + a.Severity)
		}
		count := ""
		if a.Count > 1 {
			count = fmt.Sprintf(" (%d times)", a.Count)
		}
		line("    " + sev + " " + a.Text + s.Dim.Render(count+" · since "+a.Time.Local().Format("15:04:05")))
		if a.Todo != "" {
			b.WriteString(p.c.wrap("      "+s.Dim.Render("→ "+a.Todo), 8) + "\n")
		}
	}
	return b.String()
}

func (p *brokerPage) stateBadge(state string) string {
	s := p.c.styles
	switch state {
	case databroker.StateActive:
		return s.Success.Render(symDone + " " + state)
	case databroker.StatePending, databroker.StateSuspended:
		return s.Warning.Render(symWarn + " " + state)
	}
	return s.Dim.Render("· " + state)
}
