package steps

import "strconv"

// DataBrokerLetter is the menu letter of the Data Broker.
const DataBrokerLetter = "B"

// DataBrokerNumber stands for B where an option number is needed (the
// action log, answers files): 0xB.
const DataBrokerNumber = 0xB

// RemoteAccessNumber is option S's number inside edge-setup (action log,
// answers files); the menu shows the letter.
const RemoteAccessNumber = 10

// RemoteAccessLetter is the menu letter of remote access.
const RemoteAccessLetter = "S"

// OptionName is how operators name option n, in every message and log:
// its menu number, or its letter for the lettered entries (S, B) whose
// internal numbers (10, 0xB) mean nothing to them.
func OptionName(n int) string {
	switch n {
	case DataBrokerNumber:
		return DataBrokerLetter
	case RemoteAccessNumber:
		return RemoteAccessLetter
	}
	return strconv.Itoa(n)
}
