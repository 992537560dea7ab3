package tui

import (
	"fmt"
	"strings"

	"github.com/edge-setup/edge-setup/steps"
)

func (p *stepPage) View() string {
	s := p.c.styles
	var b strings.Builder
	b.WriteString(s.Subtitle.Render(fmt.Sprintf("%s - %s", steps.OptionLabel(p.step), p.title)) + "\n\n")
	switch p.phase {
	case phaseLoading:
		b.WriteString(p.spinner.View() + " Reading the current configuration…")
	case phaseUnavailable:
		b.WriteString(s.Error.Render(symFailed+" Not available now") + "\n" + p.c.wrap(p.unavailErr, 2))
	case phasePrompt:
		b.WriteString(p.promptView())
	case phaseConfirm:
		b.WriteString("This will:\n")
		for _, l := range p.confirm {
			b.WriteString(p.c.wrap("  • "+l, 4) + "\n")
		}
		b.WriteString("\n" + s.Subtitle.Render("Proceed? [y/N]"))
	case phaseRunning, phaseDone, phaseFailed:
		b.WriteString(fitTail(p.runView(), p.c.bodyHeight()-2, s.Dim.Render))
	}
	return b.String()
}

// fitTail keeps the last lines of text that fit in h lines, saying how
// many earlier ones are hidden: a long run keeps its outcome in view.
func fitTail(text string, h int, dim func(...string) string) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if h < 3 || len(lines) <= h {
		return text
	}
	hidden := len(lines) - (h - 1)
	return dim(fmt.Sprintf("⋮ %d earlier lines (the action log has them all)", hidden)) + "\n" + strings.Join(lines[hidden:], "\n")
}

func (p *stepPage) promptView() string {
	s := p.c.styles
	var b strings.Builder
	for _, v := range p.verified {
		b.WriteString(p.c.hang(s.Success.Render(symDone)+" "+v) + "\n")
	}
	if len(p.verified) > 0 {
		b.WriteString("\n")
	}
	b.WriteString(p.field.view(p.spinner))
	return b.String()
}

func (p *stepPage) runView() string {
	s := p.c.styles
	var b strings.Builder
	for _, e := range p.events {
		b.WriteString(p.c.eventLine(e) + "\n")
	}
	if p.running != "" {
		b.WriteString(p.spinner.View() + " " + p.running + "…\n")
	}
	switch p.phase {
	case phaseDone:
		b.WriteString("\n" + s.Success.Render(symDone+" Done."))
	case phaseFailed:
		b.WriteString("\n" + p.c.wrap(s.Error.Render(symFailed+" Stopped: ")+p.runErr.Error(), 2))
	}
	return b.String()
}

// eventLine is one sub-step as the step page and the registration screen show it.
func (c *common) eventLine(e steps.Event) string {
	s := c.styles
	withDetail := func(sym, name, detail string) string {
		if detail != "" {
			name += s.Dim.Render(" · " + detail)
		}
		return c.hang(sym + " " + name)
	}
	switch e.Kind {
	case steps.SubStepDone:
		return withDetail(s.Success.Render(symDone), e.Name, e.Detail)
	case steps.SubStepFailed:
		return withDetail(s.Error.Render(symFailed), e.Name, "")
	case steps.SubStepSkipped:
		return withDetail(s.Dim.Render(symSkipped), e.Name, e.Detail)
	case steps.Planned:
		return withDetail(s.Dim.Render(symPlanned), "would run: "+e.Detail, "not executed under a sandbox root")
	case steps.Warning:
		return c.hang(s.Warning.Render(symWarn) + " " + e.Detail)
	case steps.Output:
		return s.Dim.Render(c.wrap("    "+e.Detail, 4))
	default:
		return c.hang(s.Dim.Render(symInfo) + " " + e.Detail)
	}
}
