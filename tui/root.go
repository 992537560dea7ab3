// Package tui is the Bubble Tea front end: a root model that routes to the
// menu, step and registration pages. It renders step events; the logic lives
// in package steps.
package tui

import (
	"context"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

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
