package steps

import "errors"

// mustCorrect marks a failed check whose value cannot be kept anyway: a
// tenant user the tenant refused cannot register anything, so "keep it"
// would only move the failure to the registration screen.
type mustCorrect struct{ error }

func (e mustCorrect) Unwrap() error { return e.error }

// MustCorrect wraps a Verify error so that front ends offer only to correct
// the value, not to keep it.
func MustCorrect(err error) error {
	if err == nil {
		return nil
	}
	return mustCorrect{err}
}

// Keepable reports whether the operator may keep a value whose check failed
// (a tenant that did not answer may be down for a minute; a refused login
// stays refused).
func Keepable(err error) bool {
	var mc mustCorrect
	return !errors.As(err, &mc)
}
