package tui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/registration"
	"github.com/edge-setup/edge-setup/steps/safetext"
)

// menuPage is the numbered post-installation menu.
type menuPage struct {
	c       *common
	items   []menuItem
	cursor  int
	notice  string
	pending *registration.RegistrationProgress // a registration left while waiting
	opening bool                               // a page was chosen: the root queues input for it
}

type menuItem struct {
	number int
	title  string
	step   steps.Step // nil for Exit and d
	letter string     // shown instead of the number (d)
	msg    tea.Msg    // sent when chosen instead of opening a step (d)
}

func newMenuPage(c *common) *menuPage {
	p := &menuPage{c: c}
	p.items = menuItems(c.env)
	p.cursor = 6 // option 7, the one most operators come for
	return p
}

// menuItems reads the one menu table (titles depend on recorded state).
func menuItems(env *steps.Env) []menuItem {
	var items []menuItem
	for _, e := range options.Menu(env) {
		it := menuItem{title: e.Title, step: e.Step}
		if n, err := strconv.Atoi(e.Key); err == nil {
			it.number = n
		} else {
			it.letter = e.Key
		}
		switch e.Kind {
		case options.EntryDataBroker:
			it.msg = openBrokerMsg{}
		case options.EntryDiagnose:
			it.msg = openDiagnoseMsg{}
		}
		items = append(items, it)
	}
	return items
}

type menuRefreshMsg struct {
	items   []menuItem
	pending *registration.RegistrationProgress
}

// Init rereads the titles and any registration in progress, off the Update loop.
func (p *menuPage) Init() tea.Cmd {
	env := p.c.env
	return func() tea.Msg {
		m := menuRefreshMsg{items: menuItems(env)}
		if prog, ok := registration.PendingRegistration(env); ok {
			m.pending = prog
		}
		return m
	}
}

func (p *menuPage) Update(msg tea.Msg) (page, tea.Cmd) {
	if m, ok := msg.(menuRefreshMsg); ok {
		p.items, p.pending = m.items, m.pending
		return p, nil
	}
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return p, nil
	}
	switch {
	case key.Matches(km, keys.Resume) && p.pending != nil:
		p.opening = true
		return p, resumeRegistration(p.c.env)
	case key.Matches(km, keys.Quit):
		return p, func() tea.Msg { return quitMsg{} }
	case key.Matches(km, keys.Digit):
		for i, it := range p.items {
			if fmt.Sprint(it.number) == km.String() {
				p.cursor = i
				return p, p.choose()
			}
		}
	case key.Matches(km, keys.Diagnose), key.Matches(km, keys.RemoteAccess), key.Matches(km, keys.DataBroker):
		for i, it := range p.items {
			if it.letter != "" && strings.EqualFold(it.letter, km.String()) {
				p.cursor = i
				return p, p.choose()
			}
		}
	case key.Matches(km, keys.Up):
		p.cursor = (p.cursor + len(p.items) - 1) % len(p.items)
	case key.Matches(km, keys.Down):
		p.cursor = (p.cursor + 1) % len(p.items)
	case key.Matches(km, keys.Select):
		return p, p.choose()
	case km.Text != "" && km.Mod == 0:
		// A key that does nothing says so, instead of nothing happening.
		p.notice = fmt.Sprintf("%s is not a menu key: choose 1-9 or %s, or press ? for the keys.",
			safetext.Line(km.Text), strings.Join(options.MenuLetters(), ", "))
	}
	return p, nil
}

func (p *menuPage) choose() tea.Cmd {
	it := p.items[p.cursor]
	p.notice, p.opening = "", true
	if msg := it.msg; msg != nil {
		return func() tea.Msg { return msg }
	}
	if it.step == nil {
		return func() tea.Msg { return quitMsg{} }
	}
	return func() tea.Msg { return openStepMsg{step: it.step, title: it.title} }
}

func (p *menuPage) View() string {
	s := p.c.styles
	var b strings.Builder
	if p.notice != "" {
		// First: at 80x24 the menu is taller than the window, and a notice
		// below the fold would say nothing.
		b.WriteString(p.c.wrap(p.notice, 0) + "\n\n")
	}
	b.WriteString(s.Subtitle.Render("Choose an option:") + "\n\n")
	for i, it := range p.items {
		line := fmt.Sprintf("%d. %s", it.number, it.title)
		if it.letter != "" {
			line = it.letter + ". " + it.title
		}
		if i == p.cursor {
			b.WriteString(s.Selected.Render("› " + line))
		} else {
			b.WriteString("  " + s.Item.Render(line))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
	for _, r := range options.MenuRules {
		b.WriteString(p.c.wrap(s.Dim.Render("• "+r), 2) + "\n")
	}
	if p.pending != nil && p.notice == "" {
		last := p.pending.Timeline.Current()
		b.WriteString("\n" + p.c.wrap(s.Warning.Render(symWarn+" ")+"A registration with "+p.pending.URL+" is waiting ("+last+
			", since "+p.pending.Started.Format("15:04")+"): press r to resume it.", 2) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

func (p *menuPage) ShortHelp() []key.Binding {
	b := []key.Binding{keys.Digit, keys.Up, keys.Down, keys.Select}
	if p.pending != nil {
		b = append(b, keys.Resume)
	}
	return append(b, keys.Quit, keys.Diagnose, keys.DataBroker)
}

// resumeRegistration reopens the registration screen for the configured tenant.
func resumeRegistration(env *steps.Env) tea.Cmd {
	return func() tea.Msg {
		reg, err := options.EdgeAgent{}.NewRegistration(env, steps.Answers{})
		if err != nil {
			return gotoMenuMsg{notice: "Cannot resume the registration: " + safetext.Line(err.Error())}
		}
		if reg == nil {
			return gotoMenuMsg{notice: "Remote management is disabled: choose 7 to configure a tenant."}
		}
		return openRegMsg{reg: reg}
	}
}

func (p *menuPage) Busy() bool { return false }
func (p *menuPage) Close()     {}
