package tui

import (
	"strings"
	"sync/atomic"

	"github.com/charmbracelet/x/ansi"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/edge-setup/edge-setup/steps"
)

// common is shared by every page: size, styles and the environment.
type common struct {
	env    *steps.Env
	styles Styles
	width  int
	height int
	banner []string
}

// page is one screen under the root model.
type page interface {
	Init() tea.Cmd
	Update(msg tea.Msg) (page, tea.Cmd)
	View() string
	ShortHelp() []key.Binding
	// Busy reports work that Ctrl+C should stop cleanly before quitting.
	Busy() bool
	// Close stops the page's background work (contexts, polls).
	Close()
}

var pageIDs atomic.Int64

// nextPageID gives each page instance an id; messages carry it so that late
// answers for a page the operator has left are dropped.
func nextPageID() int64 { return pageIDs.Add(1) }

// Navigation messages, sent by pages, handled by the root.
type (
	gotoMenuMsg struct{ notice string }
	openStepMsg struct {
		step  steps.Step
		title string // read with the menu, off the Update loop
	}
	openRegMsg struct {
		reg    *steps.Registration
		notice string
	}
)

func gotoMenu(notice string) tea.Cmd {
	return func() tea.Msg { return gotoMenuMsg{notice: notice} }
}

// wrap breaks text to the window width (words first, long tokens such as
// URLs hard), keeping ANSI styles intact. Continuation lines are indented by
// indent spaces, so wrapped list items stay readable.
func (c *common) wrap(s string, indent int) string {
	w := max(c.width-indent, 20)
	wrapped := ansi.Wrap(s, w, "")
	if indent <= 0 {
		return wrapped
	}
	return strings.ReplaceAll(wrapped, "\n", "\n"+strings.Repeat(" ", indent))
}
