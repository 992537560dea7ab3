package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/options"
)

func (p *stepPage) View() string {
	s := p.c.styles
	var b strings.Builder
	b.WriteString(s.Subtitle.Render(fmt.Sprintf("%s - %s", options.OptionLabel(p.step), p.title)) + "\n\n")
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
		var text string
		text, p.back = fitTail(p.runView(), p.c.bodyHeight()-2, p.back, s.Dim.Render)
		b.WriteString(text)
	}
	return b.String()
}

// fitTail shows the lines of text that fit in h lines, ending back lines
// before the last (a long run keeps its outcome in view; PgUp scrolls
// back to the start), and says how many are hidden above and below. It
// returns back clamped to what the text allows.
func fitTail(text string, h, back int, dim func(...string) string) (string, int) {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if h < 4 || len(lines) <= h {
		return text, 0
	}
	room := h - 2 // a line for "earlier" and one for "later"
	back = min(max(back, 0), len(lines)-room)
	end := len(lines) - back
	start := end - room
	var out []string
	if start > 0 {
		out = append(out, dim(fmt.Sprintf("⋮ %d earlier lines · pgup scrolls back", start)))
	}
	out = append(out, lines[start:end]...)
	if back > 0 {
		out = append(out, dim(fmt.Sprintf("⋮ %d later lines · pgdn scrolls on", back)))
	}
	return strings.Join(out, "\n"), back
}

// scrollBy moves the run's view n lines back (n < 0: forward); false when
// the page has nothing to scroll (the root then scrolls the whole body).
func (p *stepPage) scrollBy(n int) bool {
	switch p.phase {
	case phaseRunning, phaseDone, phaseFailed:
		p.back = max(p.back+n, 0)
		return true
	}
	return false
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
		line := p.spinner.View() + " " + p.running + "…"
		if p.waiting.Kind == steps.Waiting {
			line += "\n" + p.waitLine()
		} else if waited := p.c.now().Sub(p.runningSince); waited >= 2*time.Second {
			line += s.Dim.Render(fmt.Sprintf(" %d s", int(waited.Seconds())))
			if p.escStops() {
				line += s.Dim.Render(" · esc stops")
			}
		}
		b.WriteString(line + "\n")
	}
	switch p.phase {
	case phaseDone:
		b.WriteString("\n" + s.Success.Render(symDone+" Done."))
	case phaseFailed:
		b.WriteString("\n" + p.c.wrap(s.Error.Render(symFailed+" Stopped: ")+p.runErr.Error(), 2))
	}
	return b.String()
}

// waitLine is what the running sub-step waits for and the seconds left of
// its bound ("27 s left · esc stops"), redrawn with the spinner's ticks.
func (p *stepPage) waitLine() string {
	s := p.c.styles
	left := fmt.Sprintf(" · %d s left", p.waiting.SecondsLeft(p.c.now()))
	if p.escStops() {
		left += " · esc stops"
	}
	return s.Dim.Render(p.c.wrap("  "+p.waiting.Detail+left, 2))
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
