package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

func (m *Model) View() tea.View {
	v := tea.NewView(m.Render())
	v.AltScreen = m.altScreen
	v.WindowTitle = "edge-setup"
	return v
}

// Render is the screen as text (tests read it).
func (m *Model) Render() string {
	if m.quitting {
		return ""
	}
	s := m.c.styles
	width := max(m.c.width, 1)
	header := s.Title.Render("Cumulocity IoT Edge · post-installation")
	if v := m.c.env.Version; v != "" && ansi.StringWidth(header)+len("  edge-setup "+v) <= width {
		header += s.Dim.Render("  edge-setup " + v)
	}
	top := append(append([]string{header}, m.c.bannerLines()...), "")
	body := m.page.View()
	if m.showHelp {
		body = m.helpOverlay()
	}
	footer := m.footer(width)
	avail := m.c.height - 1 - len(top)
	lines := strings.Split(body, "\n")
	lines = m.scrollBody(lines, avail)
	all := append(top, lines...)
	if h := m.c.height - 1; h > 0 && len(all) > h {
		all = all[:h] // a tiny window: the footer still gets the last line
	}
	for len(all) < m.c.height-1 {
		all = append(all, "")
	}
	for i, l := range all {
		if ansi.StringWidth(l) > width {
			all[i] = ansi.Truncate(l, width, "…")
		}
	}
	return strings.Join(append(all, footer), "\n")
}

// scrollBody fits the page into avail lines: when it is longer, it shows a
// window of it with "more below/above" lines that say how to scroll, instead
// of cutting it silently.
func (m *Model) scrollBody(lines []string, avail int) []string {
	if avail <= 0 || len(lines) <= avail {
		m.scroll = 0
		return lines
	}
	if avail < 3 {
		return lines[:avail]
	}
	maxScroll := len(lines) - (avail - 1)
	m.scroll = min(max(m.scroll, 0), maxScroll)
	s := m.c.styles
	var out []string
	start, room := m.scroll, avail
	if start > 0 {
		out = append(out, s.Dim.Render(fmt.Sprintf("↑ %d more above · pgup scrolls up", start)))
		room--
	}
	end := start + room
	if end < len(lines) {
		end-- // room for the "more below" line
	}
	out = append(out, lines[start:end]...)
	if below := len(lines) - end; below > 0 {
		out = append(out, s.Dim.Render(fmt.Sprintf("↓ %d more below · pgdn scrolls down", below)))
	}
	return out
}

// footer is the page's keys, and always "? help": when the window is too
// narrow for every key, the last ones give way (? lists them all).
func (m *Model) footer(width int) string {
	if m.stopping {
		return ansi.Truncate(m.c.styles.Warning.Render("Stopping: waiting for the running step to finish safely… (ctrl+c again to leave now)"), width, "…")
	}
	b := m.page.ShortHelp()
	h := m.help
	h.SetWidth(0) // this measures; help's own cut would drop "? help" first
	for n := len(b); n >= 0; n-- {
		f := h.ShortHelpView(append(b[:n:n], m.helpKey()))
		if n < len(b) {
			f = h.ShortHelpView(append(b[:n:n], keys.More, m.helpKey()))
		}
		if ansi.StringWidth(f) <= width {
			return f
		}
	}
	return ansi.Truncate(h.ShortHelpView([]key.Binding{m.helpKey()}), width, "…")
}

func (m *Model) helpOverlay() string {
	s := m.c.styles
	var b strings.Builder
	b.WriteString(s.Subtitle.Render("Keys") + "\n\n")
	for _, k := range append(m.page.ShortHelp(), keys.ScrollDown, keys.ScrollUp, keys.ForceQuit, m.helpKey()) {
		h := k.Help()
		b.WriteString("  " + s.Key.Render(lipgloss.NewStyle().Width(10).Render(h.Key)) + h.Desc + "\n")
	}
	if more := append(append([]string(nil), m.c.banner[m.c.bannerShown():]...), m.c.demoHelp...); len(more) > 0 {
		b.WriteString("\n")
		for _, l := range more {
			b.WriteString(s.Banner.Render(m.c.hang(l)) + "\n")
		}
	}
	b.WriteString("\n" + s.Dim.Render("Press ? or Esc to close this help."))
	return b.String()
}
