package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/edge-setup/edge-setup/steps"
)

func (p *regPage) View() string {
	s := p.c.styles
	var b strings.Builder
	line := func(str string) { b.WriteString(str + "\n") }
	line(s.Subtitle.Render("7 - Configure Edge Agent · registration"))
	if p.notice != "" {
		line(s.Dim.Render(p.c.wrap(p.notice, 0)))
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
		line(s.Dim.Render("Resumed the registration started " + p.progress.Started.Format("2006-01-02 15:04:05")))
	}
	if p.phase == regChecking {
		line(p.spinner.View() + " Checking the stored device credentials…")
	}
	for _, st := range p.timeline {
		line(fmt.Sprintf("%s  %s %s", s.Dim.Render(st.At.Format("15:04:05")), p.statusSymbol(st.Status), st.Status))
	}
	b.WriteString(p.stateView())
	return p.withQR(strings.TrimRight(b.String(), "\n"))
}

func (p *regPage) statusSymbol(status string) string {
	s := p.c.styles
	switch status {
	case steps.StatusConnected, steps.StatusAccepted:
		return s.Success.Render(symDone)
	case p.timeline.Current():
		if p.phase == regPolling || p.phase == regChecking || p.phase == regCompleting {
			return p.spinner.View()
		}
	}
	return s.Dim.Render("·")
}

func (p *regPage) stateView() string {
	s := p.c.styles
	var b strings.Builder
	line := func(str string) { b.WriteString(p.c.wrap(str, 0) + "\n") }
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
	switch {
	case p.action == "create":
		line(p.spinner.View() + " Creating the registration request…")
	case p.action == "accept":
		line(p.spinner.View() + " Accepting the device…")
	case p.canCreate():
		line("Press " + s.Key.Render("c") + " to create the registration request now, or register the ID in Device Management.")
	case p.canAccept():
		line("Press " + s.Key.Render("a") + " to accept the device now, or accept it in Device Management.")
	case !p.reg.CanManage():
		line(s.Dim.Render("This console has no tenant user, so it only sees \"not accepted yet\" until the request is accepted. " +
			"Register the ID in Device Management > Registration, then Accept; this screen continues by itself."))
	}
	if p.retrying == "" && !p.nextAt.IsZero() {
		line(s.Dim.Render("Next check " + p.untilNext() + " · r checks now · esc stops waiting"))
	}
	return b.String()
}

func (p *regPage) untilNext() string {
	d := p.nextAt.Sub(p.now())
	if p.checking || d <= 0 {
		return "now"
	}
	// Round up: "in 0s" would read as a stall.
	return "in " + ((d + time.Second - 1) / time.Second * time.Second).String()
}
