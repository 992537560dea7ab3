package tui

import (
	tea "charm.land/bubbletea/v2"
)

// maxTypeahead bounds the keys kept while a check runs (a pasted block of
// answers is far shorter; a runaway paste must not pile up).
const maxTypeahead = 2 * 1024

// typeahead keeps the keys typed while the page checks an answer or loads
// the next prompt, so an operator who types the next answer at once loses
// nothing: they go to the next field when it appears. A check that fails
// drops them (they were meant for a question that is not asked yet), and
// so does the confirmation: a typed-ahead y must never approve a plan the
// operator has not seen.
type typeahead struct{ keys []tea.KeyPressMsg }

func (t *typeahead) keep(k tea.KeyPressMsg) {
	if len(t.keys) < maxTypeahead {
		t.keys = append(t.keys, k)
	}
}

func (t *typeahead) drop() { t.keys = nil }

// replay feeds the kept keys to onKey, which may keep some again (an Enter
// among them starts the next check).
func (t *typeahead) replay(onKey func(tea.KeyPressMsg) tea.Cmd) tea.Cmd {
	ks := t.keys
	t.keys = nil
	var cmds []tea.Cmd
	for _, k := range ks {
		cmds = append(cmds, onKey(k))
	}
	return tea.Batch(cmds...)
}
