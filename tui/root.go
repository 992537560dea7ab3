// Package tui is the Bubble Tea front end: a root model that routes to the
// menu, step and registration pages. It renders step events; the logic lives
// in package steps.
package tui

import (
	"context"
	"fmt"
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
	// DemoOperator, set by --demo only (it has no web UI), plays the
	// tenant's operator on the registration screen (key o, marked DEMO).
	DemoOperator func(ctx context.Context, deviceID string) (string, error)
	// DemoHelp lines are added to the ? help (what a second shell needs).
	DemoHelp []string
	// DemoCloud, set by --demo only, plays the cloud tenant's people on
	// B's link screen (key o, marked DEMO).
	DemoCloud DemoCloud
}

// Model is the root model.
type Model struct {
	c        *common
	menu     *menuPage
	page     page
	help     help.Model
	showHelp bool
	quitting bool
	stopping bool // Ctrl+C pressed while a step runs: quit once it stops
	// interrupted: the operator left with Ctrl+C (exit 130, as in plain
	// mode and for SIGTERM), not with Exit/q (exit 0).
	interrupted bool
	altScreen   bool
	scroll      int // first body line shown when the page is taller than the window
	// opening: the menu chose a page that is not open yet; input typed
	// meanwhile (the rest of a typed-ahead option) is queued for it.
	opening bool
	queued  []tea.Msg
}

// New returns the root model showing the menu.
func New(o Options) *Model {
	c := &common{env: o.Env, styles: DefaultStyles(), width: 80, height: 24, banner: o.Banner,
		demoOperator: o.DemoOperator, demoHelp: o.DemoHelp, demoCloud: o.DemoCloud}
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
	case tea.PasteMsg:
		if m.opening {
			m.queue(msg)
			return m, nil
		}
	case tea.KeyPressMsg:
		if key.Matches(msg, keys.ForceQuit) {
			return m.interrupt()
		}
		if m.opening {
			m.queue(msg)
			return m, nil
		}
		half := max(m.c.height/2, 1)
		sp, pageScrolls := m.page.(interface{ scrollBy(int) bool })
		switch {
		case key.Matches(msg, keys.ScrollDown):
			if !pageScrolls || !sp.scrollBy(-half) {
				m.scroll += half
			}
			return m, nil
		case key.Matches(msg, keys.ScrollUp):
			if !pageScrolls || !sp.scrollBy(half) {
				m.scroll = max(m.scroll-half, 0)
			}
			return m, nil
		}
		if key.Matches(msg, m.helpKey()) || m.showHelp && key.Matches(msg, keys.Back) {
			m.showHelp = !m.showHelp // Esc closes the help, and only the help
			return m, nil
		}
	case gotoMenuMsg:
		m.menu.notice = msg.notice
		return m, m.open(m.menu)
	case openStepMsg:
		return m, m.open(newStepPage(m.c, msg.step, msg.title))
	case openRegMsg:
		return m, m.open(newRegPage(m.c, msg.reg, msg.notice, msg.ran))
	case openBrokerMsg:
		return m, m.open(newBrokerPage(m.c, msg.notice))
	case openLinkMsg:
		return m, m.open(newLinkPage(m.c, msg.broker, msg.connectorID, msg.auto))
	case openDiagnoseMsg:
		return m, m.open(newDiagPage(m.c))
	case quitMsg:
		m.opening, m.queued = false, nil
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
	if mp, ok := m.page.(*menuPage); ok && mp.opening {
		mp.opening, m.opening = false, true
	}
	return m, cmd
}

func (m *Model) queue(msg tea.Msg) {
	if len(m.queued) < maxTypeahead {
		m.queued = append(m.queued, msg)
	}
}

// open shows p in place of the page shown, and gives it the input typed
// while it was being opened, in order.
func (m *Model) open(p page) tea.Cmd {
	m.page.Close()
	m.scroll = 0
	m.page = p
	cmds := []tea.Cmd{p.Init()}
	queued := m.queued
	m.opening, m.queued = false, nil
	for _, q := range queued {
		_, cmd := m.Update(q)
		cmds = append(cmds, cmd)
	}
	return tea.Batch(cmds...)
}

// interrupt handles Ctrl+C: a running step is cancelled and allowed to stop
// (so nothing is left half-done); a second Ctrl+C leaves at once.
func (m *Model) interrupt() (tea.Model, tea.Cmd) {
	m.interrupted = true
	if m.page.Busy() && !m.stopping {
		m.stopping = true
		m.page.Close()
		return m, nil
	}
	m.quitting = true
	m.page.Close()
	return m, tea.Quit
}

// Interrupted reports whether the operator left with Ctrl+C.
func (m *Model) Interrupted() bool { return m.interrupted }

// typing reports whether the page has a text field focused, so that keys
// such as ? go to the field.
func (m *Model) typing() bool {
	switch p := m.page.(type) {
	case *stepPage:
		return p.phase == phasePrompt
	case *regPage:
		return p.typing()
	}
	return false
}

// helpKey is the key that opens the help now, as the footer shows it: ?
// (or F1) outside text fields, F1 in them, where ? is typed.
func (m *Model) helpKey() key.Binding {
	if m.typing() && !m.showHelp {
		return keys.HelpInField
	}
	return keys.Help
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
