// Command bareprog is the bench's reference: a minimal Bubble Tea v2
// program that draws a nine-line list and moves a cursor with j/k, with
// Bubble Tea's defaults. The bench runs it alternately with edge-setup and
// reports edge-setup's start and key times as a ratio to it.
package main

import (
	"fmt"
	"os"
	"strings"

	tea "charm.land/bubbletea/v2"
)

type model struct{ cursor int }

func (m model) Init() tea.Cmd { return nil }

func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "j", "down":
			m.cursor = (m.cursor + 1) % 9
		case "k", "up":
			m.cursor = (m.cursor + 8) % 9
		case "q", "ctrl+c":
			return m, tea.Quit
		}
	}
	return m, nil
}

func (m model) View() tea.View {
	var b strings.Builder
	for i := range 9 {
		mark := "  "
		if i == m.cursor {
			mark = "> "
		}
		fmt.Fprintf(&b, "%s%d. Item %d\n", mark, i+1, i+1)
	}
	v := tea.NewView(b.String())
	v.AltScreen = true
	return v
}

func main() {
	if _, err := tea.NewProgram(model{}).Run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
