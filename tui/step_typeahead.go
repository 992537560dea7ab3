package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
)

// maxTypeahead bounds the input kept while a check runs (a pasted block of
// answers is far shorter; a runaway paste must not pile up).
const maxTypeahead = 2 * 1024

// typeahead keeps the input (keys and pasted pieces) that arrives while
// the page checks an answer or loads the next prompt, so an operator who
// types the next answer at once loses nothing: it goes to the next field
// when that appears. A check that fails drops it (it was meant for a
// question that is not asked yet), and so does the confirmation: a
// typed-ahead y must never approve a plan the operator has not seen.
type typeahead struct{ input []tea.Msg }

func (t *typeahead) keep(msg tea.Msg) {
	if len(t.input) < maxTypeahead {
		t.input = append(t.input, msg)
	}
}

func (t *typeahead) drop() { t.input = nil }

// replay feeds the kept input to onInput, which may keep some again (an
// Enter among it starts the next check).
func (t *typeahead) replay(onInput func(tea.Msg) tea.Cmd) tea.Cmd {
	in := t.input
	t.input = nil
	var cmds []tea.Cmd
	for _, m := range in {
		cmds = append(cmds, onInput(m))
	}
	return tea.Batch(cmds...)
}

// splitPaste turns a paste into what typing it would have been: the text
// of each line as one paste and an Enter for each line end, so pasted
// answers go field by field (a runbook's URL, user and password pasted at
// once never end up together in the URL field).
func splitPaste(p tea.PasteMsg) []tea.Msg {
	content := strings.ReplaceAll(p.Content, "\r\n", "\n")
	content = strings.ReplaceAll(content, "\r", "\n")
	if !strings.Contains(content, "\n") {
		return []tea.Msg{p}
	}
	var out []tea.Msg
	lines := strings.Split(content, "\n")
	for i, l := range lines {
		if l != "" {
			out = append(out, tea.PasteMsg{Content: l})
		}
		if i < len(lines)-1 {
			out = append(out, tea.KeyPressMsg{Code: tea.KeyEnter})
		}
	}
	return out
}
