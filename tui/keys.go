package tui

import "charm.land/bubbles/v2/key"

// keyMap holds every binding; pages pick theirs for the footer.
type keyMap struct {
	Up, Down, Select, Digit, Quit, ForceQuit key.Binding
	Back, Submit, Proceed, Decline           key.Binding
	PrevAnswer, StopWaiting, CancelQuestion  key.Binding
	CheckAgain, KeepAnyway, Continue         key.Binding
	Create, Accept, CheckNow, Help           key.Binding
	HelpInField                              key.Binding
	Diagnose, Rerun                          key.Binding
	Resume, ScrollUp, ScrollDown, More       key.Binding
	TenantUser, DemoOperator, RemoteAccess   key.Binding
	// Data Broker (B)
	DataBroker, NewConnector, Suspend, DeleteConnector, Enable, OpenLink, Refresh key.Binding
}

var keys = keyMap{
	Up:        key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
	Down:      key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
	Select:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "select")),
	Digit:     key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1-9", "choose")),
	Quit:      key.NewBinding(key.WithKeys("q", "9"), key.WithHelp("q/9", "exit")),
	ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "leave now (exit 130)")),
	Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to menu")),
	Submit:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "submit")),
	// Shift+Tab and ↑ go to the previous answer, keeping what was typed
	// (↑ means nothing else in a one-line field).
	PrevAnswer: key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous")),
	// Esc leaves a question asked on top of a screen (u on the registration screen).
	CancelQuestion: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel the question")),
	// Esc stops a run that only waits (S's proof; steps.EscStoppable).
	StopWaiting: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "stop")),
	Proceed:     key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "proceed")),
	// Enter at "Proceed? [y/N]" is the default, No.
	Decline:    key.NewBinding(key.WithKeys("n", "N", "esc", "enter"), key.WithHelp("n/enter", "cancel")),
	CheckAgain: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "check again")),
	// Tab: never part of a URL, a user name or a password, so keeping an
	// unchecked value cannot happen while typing (ctrl+s would stop a
	// serial console).
	KeepAnyway: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "keep unchecked")),
	Continue:   key.NewBinding(key.WithKeys("enter", "esc"), key.WithHelp("enter", "back to menu")),
	Create:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "create request")),
	Accept:     key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "accept")),
	CheckNow:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "check now")),
	Help:       key.NewBinding(key.WithKeys("?", "f1"), key.WithHelp("?", "help")),
	// In a text field ? is typed (it may be part of a password): F1 is help there.
	HelpInField: key.NewBinding(key.WithKeys("f1"), key.WithHelp("f1", "help")),
	Diagnose:    key.NewBinding(key.WithKeys("d", "D"), key.WithHelp("D", "diagnose")),
	Rerun:       key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "run again")),
	Resume:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "resume registration")),
	TenantUser:  key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "give a tenant user")),
	// Only in --demo, which has no web UI: the tenant's operator's part.
	DemoOperator: key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "DEMO: act as the tenant's operator")),
	ScrollUp:     key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "scroll up")),
	ScrollDown:   key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "scroll down")),
	// More stands in the footer for keys a narrow window has no room for.
	More: key.NewBinding(key.WithKeys(), key.WithHelp("…", "")),
	// RemoteAccess opens option S (from the menu and the Connected screen).
	RemoteAccess: key.NewBinding(key.WithKeys("s", "S"), key.WithHelp("s", "remote SSH access")),

	DataBroker:      key.NewBinding(key.WithKeys("b", "B"), key.WithHelp("B", "data broker")),
	NewConnector:    key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new connector")),
	Suspend:         key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "suspend/resume")),
	DeleteConnector: key.NewBinding(key.WithKeys("x", "delete"), key.WithHelp("x", "delete")),
	Enable:          key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "enable in the cloud")),
	OpenLink:        key.NewBinding(key.WithKeys("enter", "l"), key.WithHelp("enter", "link & data")),
	Refresh:         key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh")),
}
