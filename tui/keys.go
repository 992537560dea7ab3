package tui

import "charm.land/bubbles/v2/key"

// keyMap holds every binding; pages pick theirs for the footer.
type keyMap struct {
	Up, Down, Select, Digit, Quit, ForceQuit key.Binding
	Back, Submit, Proceed, Decline           key.Binding
	Edit, KeepAnyway, Continue               key.Binding
	Create, Accept, CheckNow, Help           key.Binding
	Diagnose, Rerun                          key.Binding
	Resume                                   key.Binding
	RemoteAccess                             key.Binding
}

var keys = keyMap{
	Up:         key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
	Down:       key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
	Select:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "select")),
	Digit:      key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1-9", "choose")),
	Quit:       key.NewBinding(key.WithKeys("q", "9"), key.WithHelp("q/9", "exit")),
	ForceQuit:  key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	Back:       key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to menu")),
	Submit:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "submit")),
	Proceed:    key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "proceed")),
	Decline:    key.NewBinding(key.WithKeys("n", "N", "esc"), key.WithHelp("n/esc", "cancel")),
	Edit:       key.NewBinding(key.WithKeys("e", "enter"), key.WithHelp("e", "edit")),
	KeepAnyway: key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save anyway")),
	Continue:   key.NewBinding(key.WithKeys("enter", "esc"), key.WithHelp("enter", "back to menu")),
	Create:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "create request")),
	Accept:     key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "accept")),
	CheckNow:   key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "check now")),
	Help:       key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
	Diagnose:   key.NewBinding(key.WithKeys("d", "D"), key.WithHelp("d", "diagnose")),
	Rerun:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "run again")),
	Resume:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "resume registration")),
	// RemoteAccess opens option S (from the menu and the Connected screen).
	RemoteAccess: key.NewBinding(key.WithKeys("s", "S"), key.WithHelp("s", "remote SSH access")),
}
