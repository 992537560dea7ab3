// Package tui is the Bubble Tea front end: a root model that routes to the
// menu, step and registration pages. It renders step events; the logic lives
// in package steps.
package tui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/edge-setup/edge-setup/steps"
)

// Options configure the front end.
type Options struct {
	Env *steps.Env
	// Banner lines are shown under the title on every page (the demo's
	// tenant URL and credentials).
	Banner []string
	// AltScreen draws on the alternate screen (off in tests' golden views).
	AltScreen bool
}

// Model is the root model.
type Model struct {
	c         *common
	menu      *menuPage
	page      page
	help      help.Model
	showHelp  bool
	quitting  bool
	stopping  bool // Ctrl+C pressed while a step runs: quit once it stops
	altScreen bool
}

// New returns the root model showing the menu.
func New(o Options) *Model {
	c := &common{env: o.Env, styles: DefaultStyles(), width: 80, height: 24, banner: o.Banner}
	m := &Model{c: c, help: help.New(), altScreen: o.AltScreen}
	m.menu = newMenuPage(c)
	m.page = m.menu
	return m
}

func (m *Model) Init() tea.Cmd { return m.page.Init() }

func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	msg = sanitize(msg) // outside text made safe before any page stores it
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.width, m.c.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
	case tea.KeyPressMsg:
		if key.Matches(msg, keys.ForceQuit) {
			return m.interrupt()
		}
		if key.Matches(msg, keys.Help) && !m.typing() {
			m.showHelp = !m.showHelp
			return m, nil
		}
	case gotoMenuMsg:
		m.page.Close()
		m.menu.notice = msg.notice
		m.page = m.menu
		return m, m.menu.Init()
	case openStepMsg:
		m.page.Close()
		m.page = newStepPage(m.c, msg.step, msg.title)
		return m, m.page.Init()
	case openRegMsg:
		m.page.Close()
		m.page = newRegPage(m.c, msg.reg, msg.notice)
		return m, m.page.Init()
	case openDiagnoseMsg:
		m.page.Close()
		m.page = newDiagPage(m.c)
		return m, m.page.Init()
	case quitMsg:
		m.quitting = true
		m.page.Close()
		return m, tea.Quit
	case stepFinishedMsg:
		if m.stopping {
			m.quitting = true
			return m, tea.Quit
		}
	}
	var cmd tea.Cmd
	m.page, cmd = m.page.Update(msg)
	return m, cmd
}

// interrupt handles Ctrl+C: a running step is cancelled and allowed to stop
// (so nothing is left half-done); a second Ctrl+C leaves at once.
func (m *Model) interrupt() (tea.Model, tea.Cmd) {
	if m.page.Busy() && !m.stopping {
		m.stopping = true
		m.page.Close()
		return m, nil
	}
	m.quitting = true
	m.page.Close()
	return m, tea.Quit
}

// typing reports whether the page has a text field focused, so that keys
// such as ? go to the field.
func (m *Model) typing() bool {
	sp, ok := m.page.(*stepPage)
	return ok && sp.phase == phasePrompt
}

type quitMsg struct{}

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
	header := s.Title.Render("Cumulocity IoT Edge · post-installation")
	if v := m.c.env.Version; v != "" {
		header += s.Dim.Render("  edge-setup " + v)
	}
	parts := []string{header}
	banner := m.c.banner
	if m.c.height < 24 && len(banner) > 1 {
		banner = banner[:1] // small windows keep the lines that matter most
	}
	for _, b := range banner {
		parts = append(parts, s.Banner.Render(b))
	}
	parts = append(parts, "")
	body := m.page.View()
	if m.showHelp {
		body = m.helpOverlay()
	}
	parts = append(parts, body)
	footer := m.help.ShortHelpView(append(m.page.ShortHelp(), keys.Help))
	if m.stopping {
		footer = s.Warning.Render("Stopping: waiting for the running step to finish safely… (ctrl+c again to leave now)")
	}
	content := strings.Join(parts, "\n")
	// Keep the footer on the last line, cutting the body if the window is small.
	avail := m.c.height - 1
	lines := strings.Split(content, "\n")
	if avail > 0 && len(lines) > avail {
		lines = lines[:avail]
	} else {
		for len(lines) < avail {
			lines = append(lines, "")
		}
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > m.c.width && m.c.width > 0 {
			lines[i] = ansi.Truncate(l, m.c.width, "…")
		}
	}
	return strings.Join(append(lines, ansi.Truncate(footer, max(m.c.width, 1), "…")), "\n")
}

func (m *Model) helpOverlay() string {
	s := m.c.styles
	var b strings.Builder
	b.WriteString(s.Subtitle.Render("Keys") + "\n\n")
	for _, k := range append(m.page.ShortHelp(), keys.ForceQuit, keys.Help) {
		h := k.Help()
		b.WriteString("  " + s.Key.Render(lipgloss.NewStyle().Width(10).Render(h.Key)) + h.Desc + "\n")
	}
	b.WriteString("\n" + s.Dim.Render("Press ? to close this help."))
	return b.String()
}
