package options

import (
	"strconv"
	"strings"

	"github.com/edge-setup/edge-setup/steps"
)

// EntryKind is what choosing a menu entry does.
type EntryKind int

const (
	EntryStep       EntryKind = iota // asks the step's questions and runs it
	EntryExit                        // leaves edge-setup
	EntryDataBroker                  // B: the connector list
	EntryDiagnose                    // D: the connection checks
)

// MenuEntry is one line of the menu, the same in both front ends.
type MenuEntry struct {
	Key   string // what the operator types: "1".."9", "S", "B", "D"
	Title string
	Kind  EntryKind
	Step  steps.Step // for EntryStep
}

// Menu is the one menu table: numbered options, Exit, then the lettered
// entries, in the order both front ends show them. Titles may depend on
// recorded state (option 8's), so it reads env.
func Menu(env *steps.Env) []MenuEntry {
	m := menuEntries()
	for i, e := range m {
		switch {
		case e.Step != nil:
			m[i].Title = e.Step.Title(env)
		case e.Kind == EntryDataBroker:
			m[i].Title = DataBroker{}.Title(env)
		}
	}
	return m
}

// menuEntries is the table without the titles that read state.
func menuEntries() []MenuEntry {
	var m []MenuEntry
	for _, s := range All() {
		m = append(m, MenuEntry{Key: strconv.Itoa(s.Number()), Kind: EntryStep, Step: s})
	}
	m = append(m, MenuEntry{Key: strconv.Itoa(ExitNumber), Title: "Exit", Kind: EntryExit})
	for _, s := range Letters() {
		m = append(m, MenuEntry{Key: s.Letter(), Kind: EntryStep, Step: s})
	}
	return append(m,
		MenuEntry{Key: steps.DataBrokerLetter, Kind: EntryDataBroker},
		MenuEntry{Key: "D", Title: "Diagnose the connection to the tenant", Kind: EntryDiagnose})
}

// MenuLetters are the keys of the lettered entries, in menu order.
func MenuLetters() []string {
	var ls []string
	for _, e := range menuEntries() {
		if _, err := strconv.Atoi(e.Key); err != nil {
			ls = append(ls, e.Key)
		}
	}
	return ls
}

// MenuEntryFor is the entry the operator chose with key (letters in any
// case), or false. Its Title is not read (choosing reads no state).
func MenuEntryFor(key string) (MenuEntry, bool) {
	key = strings.TrimSpace(key)
	for _, e := range menuEntries() {
		if strings.EqualFold(e.Key, key) {
			return e, true
		}
	}
	return MenuEntry{}, false
}

// OptionNumberFor is the option an answers file names by its menu key
// ("7", "S", "B"): the number steps use inside, or false for Exit, D and
// anything else (S's inner number 10 included: it is not a menu key).
func OptionNumberFor(key string) (int, bool) {
	e, ok := MenuEntryFor(key)
	switch {
	case !ok:
		return 0, false
	case e.Kind == EntryDataBroker:
		return steps.DataBrokerNumber, true
	case e.Kind == EntryStep:
		return e.Step.Number(), true
	}
	return 0, false
}
