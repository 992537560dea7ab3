package tui

import "charm.land/lipgloss/v2"

// Styles is every style the screens use, in one place. Bubble Tea
// downsamples colours to what the terminal supports and drops them when
// NO_COLOR is set, so meaning never rests on colour alone: statuses also
// carry a symbol.
type Styles struct {
	Title    lipgloss.Style
	Subtitle lipgloss.Style
	Selected lipgloss.Style
	Item     lipgloss.Style
	Dim      lipgloss.Style
	Error    lipgloss.Style
	Warning  lipgloss.Style
	Success  lipgloss.Style
	Key      lipgloss.Style
	Big      lipgloss.Style
	Label    lipgloss.Style
	Banner   lipgloss.Style
	Box      lipgloss.Style
}

// DefaultStyles are the product's styles.
func DefaultStyles() Styles {
	accent := lipgloss.Color("#3BA7E5")
	return Styles{
		Title:    lipgloss.NewStyle().Bold(true).Foreground(accent),
		Subtitle: lipgloss.NewStyle().Bold(true),
		Selected: lipgloss.NewStyle().Bold(true).Foreground(accent),
		Item:     lipgloss.NewStyle(),
		Dim:      lipgloss.NewStyle().Faint(true),
		Error:    lipgloss.NewStyle().Foreground(lipgloss.Color("#E5534B")).Bold(true),
		Warning:  lipgloss.NewStyle().Foreground(lipgloss.Color("#D4A72C")),
		Success:  lipgloss.NewStyle().Foreground(lipgloss.Color("#57AB5A")).Bold(true),
		Key:      lipgloss.NewStyle().Bold(true),
		Big:      lipgloss.NewStyle().Bold(true).Foreground(accent),
		Label:    lipgloss.NewStyle().Faint(true),
		Banner:   lipgloss.NewStyle().Foreground(lipgloss.Color("#D4A72C")),
		Box:      lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 1),
	}
}

// Status symbols: readable without colour.
const (
	symDone    = "✓"
	symFailed  = "✗"
	symSkipped = "–"
	symPlanned = "→"
	symInfo    = "i"
	symWarn    = "!"
)
