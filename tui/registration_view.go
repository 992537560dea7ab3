package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/registration"
)

func (p *regPage) View() string {
	// Option 7's sub-steps stay in view when the screen has room for them
	// beside the statuses; otherwise the one-line summary says what they did.
	if v := p.view(true); strings.Count(v, "\n")+1 <= p.c.bodyHeight() || len(p.ranLines()) == 0 {
		return v
	}
	return p.view(false)
}

func (p *regPage) view(withSteps bool) string {
	s := p.c.styles
	var b strings.Builder
	line := func(str string) { b.WriteString(str + "\n") }
	line(s.Subtitle.Render("7 - Configure Edge Agent · registration"))
	if ran := p.ranLines(); withSteps && len(ran) > 0 {
		// What option 7 did stays in view (the file written, the restart),
		// where the window leaves room for it beside the statuses.
		for _, l := range ran {
			line(l)
		}
	} else if p.notice != "" {
		line(s.Dim.Render(p.c.hang(p.notice)))
	}
	line("")
	line(s.Label.Render("Edge device ID"))
	line("  " + s.Big.Render(p.reg.DeviceID))
	line(s.Label.Render("Tenant ") + p.reg.URL)
	if p.phase != regConnected {
		line(p.c.wrap(s.Label.Render("Register at ")+p.reg.RegisterLink(), 2))
	}
	line("")
	if p.resumed {
		line(s.Dim.Render("Resumed the registration started " + p.started.Format("2006-01-02 15:04:05")))
	}
	if p.phase == regChecking {
		line(p.spinner.View() + " Checking the stored device credentials…")
	}
	for _, l := range p.c.timelineLines(p.timelineView()) {
		line(l)
	}
	b.WriteString(p.stateView())
	return p.withQR(strings.TrimRight(b.String(), "\n"))
}

// timelineView: Accepted and Connected are successes; the latest state
// turns while the screen is still polling, checking or completing.
func (p *regPage) timelineView() timelineView {
	return timelineView{
		timeline: p.timeline,
		done:     func(st string) bool { return st == registration.StatusConnected || st == registration.StatusAccepted },
		live:     p.phase == regPolling || p.phase == regChecking || p.phase == regCompleting,
		spinner:  p.spinner.View(),
	}
}

func (p *regPage) stateView() string {
	s := p.c.styles
	var b strings.Builder
	line := func(str string) { b.WriteString(p.c.hang(str) + "\n") }
	switch p.phase {
	case regConnected:
		c := p.conn
		line("")
		line(s.Success.Render(symDone+" Connected") + fmt.Sprintf(" to tenant %s as %s", c.TenantID, c.Username))
		how := "found in the inventory"
		if c.CreatedDevice {
			how = "created in the inventory"
		}
		line(s.Label.Render("Managed object ") + c.ManagedObjectID + s.Dim.Render(" ("+how+")"))
		line(s.Label.Render("Device page ") + c.DeviceLink())
		if c.Agent != "" {
			line(p.c.hang(s.Success.Render(symDone) + " Device credentials stored in " + registration.CredentialsPath + " (0600)"))
			line(p.c.hang(s.Dim.Render(symInfo) + " edge-agent " + c.Agent))
		} else {
			line(p.c.hang(s.Dim.Render(symInfo) + " Device credentials in " + registration.CredentialsPath + " (stored earlier, proved now)"))
		}
		return b.String()
	case regFailed:
		line("")
		line(s.Error.Render(symFailed+" Registration stopped: ") + p.fatal)
		if p.canRegisterAgain() {
			line("")
			line("Press " + s.Key.Render("c") + " to delete the device request and register it again from this console.")
		}
		return b.String()
	case regCompleting:
		line("")
		line(p.spinner.View() + " Storing the device credentials and checking the inventory…")
	}
	if p.retrying != "" {
		line(s.Warning.Render(symWarn+" ") + p.retrying + s.Dim.Render(" · retrying "+p.untilNext()))
	}
	if p.tenantWarning != "" {
		line(s.Warning.Render(symWarn+" ") + p.tenantWarning)
	}
	if p.actionErr != "" {
		line(s.Error.Render(symFailed+" ") + p.actionErr)
	}
	if p.phase != regPolling {
		return b.String()
	}
	line("")
	if p.asking != nil {
		line(p.asking.view(p.spinner))
		return b.String()
	}
	if p.demoNote != "" {
		line(s.Banner.Render("DEMO ") + p.demoNote)
	}
	switch {
	case p.action == "demo":
		line(p.spinner.View() + " DEMO: acting as the tenant's operator…")
	case p.action == "create":
		line(p.spinner.View() + " Creating the registration request…")
	case p.action == "accept":
		line(p.spinner.View() + " Accepting the device…")
	case p.canCreate():
		line("Press " + s.Key.Render("c") + " to create the registration request now, or register the ID in Device Management.")
	case p.canAccept():
		line("Press " + s.Key.Render("a") + " to accept the device now, or accept it in Device Management.")
	case !p.canManage:
		line("Press " + s.Key.Render("u") + " to give a tenant user who may register devices (then c and a work here), or register and " +
			"accept the ID in Device Management > Registration: this screen continues by itself.")
		line(s.Dim.Render("Without a tenant user this console only sees \"not accepted yet\"."))
	}
	if p.c.demoOperator != nil && p.action == "" && !p.canManage {
		line(s.Banner.Render("DEMO ") + "No web UI in the demo: o does the tenant operator's next step (register, then accept).")
	}
	if p.retrying == "" && !p.nextAt.IsZero() {
		line(s.Dim.Render("Next check " + p.untilNext() + " · r checks now · esc stops waiting"))
	}
	return b.String()
}

func (p *regPage) untilNext() string {
	d := p.nextAt.Sub(p.c.now())
	if p.checking || d <= 0 {
		return "now"
	}
	// Round up: "in 0s" would read as a stall.
	return "in " + ((d + time.Second - 1) / time.Second * time.Second).String()
}

// ranLines are option 7's sub-steps that changed something (written,
// restarted, discarded; not "read" or "record").
func (p *regPage) ranLines() []string {
	var out []string
	for _, e := range p.ran {
		switch e.Kind {
		case steps.SubStepDone, steps.SubStepSkipped, steps.SubStepFailed, steps.Warning:
			if e.Action == steps.ActionRead || e.Action == steps.ActionRecord {
				continue
			}
			out = append(out, strings.Split(p.c.eventLine(e), "\n")...)
		}
	}
	return out
}
