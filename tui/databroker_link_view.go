package tui

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/databroker"
	"github.com/edge-setup/edge-setup/steps/options"
)

func (p *linkPage) View() string {
	if !p.showCode() {
		return p.body()
	}
	// The code's QR code goes right of the text, wrapped narrower for it,
	// when both fit; else below it, or not at all.
	block, err := cachedQR(p.out.Connector.Code)
	if err != nil {
		return p.body()
	}
	lines := strings.Split(block, "\n")
	for i, l := range lines {
		lines[i] = qrStyle.Render(l)
	}
	styled := strings.Join(lines, "\n")
	qrW, _ := blockSize(block)
	if left := p.c.width - qrGap - qrW; left >= qrMinLeft {
		saved := p.c.width
		p.c.width = left
		narrow := p.body()
		p.c.width = saved
		if out, placed := layoutQR(narrow, styled, p.out.Connector.Code, p.c.width, p.c.bodyHeight()); placed == qrRight {
			return out
		}
	}
	body := p.body()
	out, _ := layoutQR(body, styled, p.out.Connector.Code, p.c.width, p.c.bodyHeight())
	return out
}

func (p *linkPage) body() string {
	s := p.c.styles
	var b strings.Builder
	line := func(str string, indent int) { b.WriteString(p.c.wrap(str, indent) + "\n") }
	title := "link with the cloud tenant"
	if p.out != nil {
		title = "link of " + p.out.Connector.Name
	}
	line(s.Subtitle.Render(steps.DataBrokerLetter+" - Data Broker · "+title), 0)
	line(s.Label.Render("Edge ")+p.broker.Edge.API.BaseURL()+s.Dim.Render("  →  ")+s.Label.Render("cloud ")+p.broker.CloudURL, 0)
	b.WriteString("\n")
	if p.out == nil && p.fatal == "" {
		line(p.spinner.View()+" Reading the connector…", 0)
		return strings.TrimRight(b.String(), "\n")
	}
	for _, l := range p.c.timelineLines(p.timelineView()) {
		line(l, 0)
	}
	if p.fatal != "" {
		line("", 0)
		line(s.Error.Render(symFailed+" ")+p.fatal, 2)
		return strings.TrimRight(b.String(), "\n")
	}
	b.WriteString(p.stateView())
	return strings.TrimRight(b.String(), "\n")
}

func (p *linkPage) timelineView() timelineView {
	return timelineView{
		timeline: p.timeline,
		done:     func(st string) bool { return st == databroker.LinkAccepted || st == databroker.LinkActive },
		live:     p.fatal == "" && waitingStatus(p.status()),
		spinner:  p.spinner.View(),
	}
}

// waitingStatus: the link is being made (the timeline's spinner turns).
func waitingStatus(st string) bool {
	switch st {
	case databroker.LinkNotSubscribed, databroker.LinkWaitingCode, databroker.LinkWaiting, databroker.LinkPending, databroker.LinkAccepted:
		return true
	}
	return false
}

// showCode: without a cloud tenant user the code is what the operator needs.
func (p *linkPage) showCode() bool {
	return p.out != nil && p.broker.Cloud == nil && p.status() == databroker.LinkWaitingCode
}

func (p *linkPage) stateView() string {
	s := p.c.styles
	o := p.out
	var b strings.Builder
	line := func(str string, indent int) { b.WriteString(p.c.wrap(str, indent) + "\n") }
	line("", 0)
	switch {
	case p.showCode():
		line(s.Label.Render("Security code"), 0)
		line("  "+s.Big.Render(o.Connector.Code), 0)
		line("", 0)
		for _, st := range options.DataBrokerHelp(p.broker.CloudURL) {
			indent := 0
			if st != "" && st[0] >= '1' && st[0] <= '9' {
				indent = 3 // under the text of a numbered step
			}
			line(st, indent)
		}
		switch {
		case p.demoNote != "":
			line(s.Banner.Render("DEMO ")+p.demoNote, 2)
		case p.c.demoCloud != nil:
			line(s.Banner.Render("DEMO ")+"No cloud UI in the demo: o does the cloud admin's next step (add the data subscription, then accept it).", 2)
		}
	case o.Status == databroker.LinkActive:
		if o.ArrivingKnown && o.Arriving > 0 {
			line(s.Success.Render(symDone+" Data arriving: ")+databroker.CountOf(o.Arriving, "measurement")+" in the last minute", 2)
		} else if o.ArrivingKnown {
			// Active but nothing counted yet: the first records follow within seconds
			// of acceptance, or the Edge's devices send no measurements.
			line(s.Dim.Render(symInfo+" No measurements arrived in the last minute yet")+s.Dim.Render(" (the first follow within seconds; if not, check that the Edge's devices send measurements)"), 2)
		} else if p.broker.Cloud == nil {
			sync := "not yet"
			if !o.Connector.LastSync.IsZero() {
				sync = o.Connector.LastSync.Local().Format("15:04:05")
			}
			line(s.Success.Render(symDone+" Forwarding")+" · last synchronisation "+sync+s.Dim.Render(" (a cloud tenant user, C8Y_USER/C8Y_PASSWORD, lets this screen count what arrives)"), 2)
		}
		if g := o.Group; g != nil {
			line(s.Label.Render("Virtual group ")+g.Name+s.Dim.Render(" ("+g.ID+") · "+databroker.CountOf(len(g.Children), "device")+" · ")+
				p.broker.CloudURL+"/apps/devicemanagement/index.html#/group/"+url.PathEscape(g.ID), 2)
		}
	default:
		line(s.Dim.Render(o.State.Meaning), 0)
		if o.State.Todo != "" && o.Status != databroker.LinkNotSubscribed && o.Status != databroker.LinkWaiting && o.Status != databroker.LinkPending {
			line(s.Dim.Render("→ "+o.State.Todo), 2)
		}
	}
	for _, a := range o.Alarms {
		sev := s.Warning.Render(symWarn + " " + a.Severity)
		if a.Severity == "CRITICAL" {
			sev = s.Error.Render(symFailed + " " + a.Severity)
		}
		line(sev+" "+a.Text, 2)
		if a.Todo != "" {
			line(s.Dim.Render("→ "+a.Todo), 2)
		}
	}
	b.WriteString(p.operationsView())
	if p.c.demoCloud != nil && o.Status == databroker.LinkActive && p.demoNote == "" {
		line(s.Banner.Render("DEMO ")+"o creates an operation in the cloud for one forwarded device; the demo's device on the Edge answers it.", 2)
	}
	if p.demoNote != "" && !p.showCode() {
		line(s.Banner.Render("DEMO ")+p.demoNote, 2)
	}
	if p.demoSeen != "" {
		line(s.Banner.Render("DEMO ")+p.demoSeen, 2)
	}
	if o.Retrying != nil {
		line(s.Warning.Render(symWarn+" ")+o.Retrying.Error()+s.Dim.Render(" · retrying "+p.untilNext()), 2)
	}
	if o.CloudWarning != nil {
		line(s.Warning.Render(symWarn+" ")+o.CloudWarning.Error(), 2)
	}
	if p.actionErr != "" {
		line(s.Error.Render(symFailed+" ")+p.actionErr, 2)
	}
	line("", 0)
	switch {
	case p.action != "":
		line(p.spinner.View()+" "+actionWords[p.action], 0)
	case p.canSubscribe():
		line("Press "+s.Key.Render("c")+" to create the data subscription in the cloud tenant now.", 0)
	case p.canAccept():
		line("Press "+s.Key.Render("a")+" to accept the data subscription in the cloud tenant now.", 0)
	case p.canEnable():
		line("Press "+s.Key.Render("e")+" to enable the data subscription in the cloud tenant again.", 0)
	}
	if !p.nextAt.IsZero() {
		line(s.Dim.Render("Next check "+p.untilNext()+" · r checks now · esc back to the connectors"), 0)
	}
	return b.String()
}

var actionWords = map[string]string{
	"subscribe": "Creating the data subscription in the cloud tenant…",
	"accept":    "Accepting the data subscription in the cloud tenant…",
	"enable":    "Enabling the data subscription in the cloud tenant…",
	"suspend":   "Suspending the connector…",
	"resume":    "Resuming the connector…",
	"demo":      "DEMO: acting in the cloud tenant…",
}

// maxOperationLines bounds the operations listed on the link screen.
const maxOperationLines = 3

// operationsView lists the operations that came from the cloud in the last
// hour (newest first) and warns where the Edge does not take them up.
func (p *linkPage) operationsView() string {
	s := p.c.styles
	ops := p.out.Operations
	var b strings.Builder
	line := func(str string, indent int) { b.WriteString(p.c.wrap(str, indent) + "\n") }
	if ops.NotSynchronised {
		line(s.Warning.Render(symWarn+" ")+databroker.NoOperationsWarning, 2)
	}
	if ops.Unknown != "" {
		line(s.Warning.Render(symWarn+" ")+ops.Unknown, 2)
	}
	if len(ops.List) == 0 {
		if p.out.Status == databroker.LinkActive && ops.Unknown == "" {
			line(s.Dim.Render(symInfo+" No operations from the cloud in the last hour"), 2)
		}
		return b.String()
	}
	line(s.Label.Render("Operations from the cloud")+s.Dim.Render(" (last hour)"), 0)
	for i, o := range ops.List {
		if i == maxOperationLines {
			line(s.Dim.Render(fmt.Sprintf("  … and %d earlier (databroker status lists them)", len(ops.List)-i)), 4)
			break
		}
		mark := s.Dim.Render("· ")
		switch o.Status {
		case "SUCCESSFUL":
			mark = s.Success.Render(symDone + " ")
		case "FAILED":
			mark = s.Error.Render(symFailed + " ")
		}
		line("  "+mark+o.Line(), 4)
	}
	return b.String()
}

func (p *linkPage) untilNext() string {
	d := p.nextAt.Sub(p.c.now())
	if p.checking || d <= 0 {
		return "now"
	}
	return "in " + ((d + time.Second - 1) / time.Second * time.Second).String()
}
