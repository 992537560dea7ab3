package tui

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// counting records, for each View call, how many updates came before it.
type counting struct {
	mu    *sync.Mutex
	n     int
	views *[]int
	last  int
}

type bump struct{}

func (c *counting) Init() tea.Cmd { return nil }

func (c *counting) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, ok := msg.(bump); ok {
		c.n++
		if c.n == c.last {
			return c, tea.Quit
		}
	}
	return c, nil
}

func (c *counting) View() tea.View {
	c.mu.Lock()
	*c.views = append(*c.views, c.n)
	c.mu.Unlock()
	return tea.NewView("")
}

// Screen relies on this behaviour of Bubble Tea: with the renderer off
// (tea.WithoutRenderer) View is still called after every Update, so each
// frame reaches the screen the moment the model changes. If an upgrade of
// Bubble Tea stops doing that, this test fails (run with --tea-renderer
// until Screen is adapted).
func TestBubbleTeaCallsViewAfterEveryUpdateWithoutRenderer(t *testing.T) {
	const updates = 200
	var mu sync.Mutex
	var views []int
	m := &counting{mu: &mu, views: &views, last: updates}
	p := tea.NewProgram(m, tea.WithoutRenderer(), tea.WithInput(strings.NewReader("")), tea.WithOutput(io.Discard),
		tea.WithContext(context.Background()), tea.WithWindowSize(80, 24))
	go func() {
		for range updates {
			p.Send(bump{})
		}
	}()
	if _, err := p.Run(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	seen := map[int]bool{}
	for _, v := range views {
		seen[v] = true
	}
	for i := 1; i < updates; i++ {
		if !seen[i] {
			t.Fatalf("no View after update %d (views saw %v…)", i, views[:min(len(views), 20)])
		}
	}
}
