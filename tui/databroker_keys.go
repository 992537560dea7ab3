package tui

import (
	"context"

	"charm.land/bubbles/v2/key"
)

// B's own keys, with help short enough that the list's main keys (link,
// suspend or resume, delete, edit, new, esc) fit an 80-column footer.
var brokerKeys = struct {
	Link, Suspend, Resume, Delete, Edit, New, Menu, Connectors, DemoCloud key.Binding
}{
	Link:       key.NewBinding(key.WithKeys("enter", "l"), key.WithHelp("enter", "link")),
	Suspend:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "suspend")),
	Resume:     key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "resume")),
	Delete:     key.NewBinding(key.WithKeys("x", "delete"), key.WithHelp("x", "delete")),
	Edit:       key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit")),
	New:        key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new")),
	Menu:       key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "menu")),
	Connectors: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "connectors")),
	// Only in --demo, which has no cloud UI: the cloud tenant's people.
	DemoCloud: key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "DEMO: act in the cloud")),
}

// backToConnectors says where B's forms go back to: B's connectors, not
// the menu (stepPage.leave).
func backToConnectors(b []key.Binding) []key.Binding {
	out := make([]key.Binding, len(b))
	for i, k := range b {
		out[i] = k
		if h := k.Help(); h.Desc == keys.Back.Help().Desc {
			out[i] = key.NewBinding(key.WithKeys(k.Keys()...), key.WithHelp(h.Key, "back to the connectors"))
		}
	}
	return out
}

// DemoCloud plays the cloud tenant's people in --demo, which has no cloud
// UI: its admin (the data subscription) and an operator (an operation for
// a forwarded device).
type DemoCloud interface {
	// Act does the cloud's next step for the connector of code: add the
	// data subscription, accept it, or (once linked) create an operation
	// for one forwarded device. It says what it did.
	Act(ctx context.Context, code string) (string, error)
	// Seen says what the cloud shows of the last operation Act created
	// ("" none) and whether it is still running; in memory, called with
	// each look at the link.
	Seen(code string) (note string, running bool)
}
