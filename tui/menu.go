package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/edge-setup/edge-setup/steps"
)

// menuPage is the numbered post-installation menu.
type menuPage struct {
	c      *common
	items  []menuItem
	cursor int
	notice string
}

type menuItem struct {
	number int
	title  string
	step   steps.Step // nil for Exit
}

func newMenuPage(c *common) *menuPage {
	p := &menuPage{c: c}
	p.refresh()
	p.cursor = 6 // option 7, the one most operators come for
	return p
}

// refresh rereads the titles (option 8's depends on recorded state).
func (p *menuPage) refresh() {
	p.items = p.items[:0]
	for _, s := range steps.All() {
		p.items = append(p.items, menuItem{number: s.Number(), title: s.Title(p.c.env), step: s})
	}
	p.items = append(p.items, menuItem{number: steps.ExitNumber, title: "Exit"})
}

func (p *menuPage) Init() tea.Cmd {
	p.refresh()
	return nil
}

func (p *menuPage) Update(msg tea.Msg) (page, tea.Cmd) {
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return p, nil
	}
	switch {
	case key.Matches(km, keys.Quit):
		return p, func() tea.Msg { return quitMsg{} }
	case key.Matches(km, keys.Digit):
		for i, it := range p.items {
			if fmt.Sprint(it.number) == km.String() {
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
	}
	return p, nil
}

func (p *menuPage) choose() tea.Cmd {
	it := p.items[p.cursor]
	p.notice = ""
	if it.step == nil {
		return func() tea.Msg { return quitMsg{} }
	}
	return func() tea.Msg { return openStepMsg{step: it.step} }
}

func (p *menuPage) View() string {
	s := p.c.styles
	var b strings.Builder
	b.WriteString(s.Subtitle.Render("Choose an option:") + "\n\n")
	for i, it := range p.items {
		line := fmt.Sprintf("%d. %s", it.number, it.title)
		if i == p.cursor {
			b.WriteString(s.Selected.Render("› " + line))
		} else {
			b.WriteString("  " + s.Item.Render(line))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
	for _, r := range steps.MenuRules {
		b.WriteString(p.c.wrap(s.Dim.Render("• "+r), 2) + "\n")
	}
	if p.notice != "" {
		b.WriteString("\n" + p.c.wrap(p.notice, 0) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

func (p *menuPage) ShortHelp() []key.Binding {
	return []key.Binding{keys.Digit, keys.Up, keys.Down, keys.Select, keys.Quit}
}

func (p *menuPage) Busy() bool { return false }
func (p *menuPage) Close()     {}
