package system

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"time"

	"github.com/edge-setup/edge-setup/steps"
)

// PasswordHistoryState is the state file (under edgeprops.StateDir, mode
// 0600) with the last PasswordHistorySize tenant admin passwords, as salted
// hashes only: PBKDF2-HMAC-SHA256 (crypto/pbkdf2 of the standard library)
// with a random 16-byte salt per entry. golang.org/x/crypto is not a
// dependency of this module, and PBKDF2 with a per-entry salt is enough for
// a reuse check that must never be able to show a password.
const PasswordHistoryState = "password-history"

// PasswordHistorySize: none of the last 10 passwords may be reused.
const PasswordHistorySize = 10

// PasswordHashIterations is the PBKDF2 work factor of new entries; each
// entry records its own, so it can be raised later. Tests lower it.
var PasswordHashIterations = 210_000

// CheapPasswordHashesForTests makes new history entries cheap (1000
// iterations: 210,000 take seconds per hash under -race). Only test code
// calls it (stepstest, once, before any test runs).
func CheapPasswordHashesForTests() { PasswordHashIterations = 1000 }

// PasswordHistory is the salted hashes of the last admin passwords (reuse check).
type PasswordHistory struct {
	Entries []passwordHash `json:"entries"` // oldest first
}

type passwordHash struct {
	Alg        string    `json:"alg"` // "pbkdf2-sha256"
	Iterations int       `json:"iterations"`
	Salt       []byte    `json:"salt"`
	Hash       []byte    `json:"hash"`
	At         time.Time `json:"at"`
}

const passwordHashAlg = "pbkdf2-sha256"

func LoadPasswordHistory(env *steps.Env) (PasswordHistory, error) {
	var h PasswordHistory
	if _, err := env.Props.ReadState(PasswordHistoryState, &h); err != nil {
		return h, fmt.Errorf("reading the password history: %w", err)
	}
	return h, nil
}

// contains reports whether pw is one of the remembered passwords.
func (h PasswordHistory) Contains(pw string) bool {
	for _, e := range h.Entries {
		if e.Alg != passwordHashAlg || e.Iterations <= 0 {
			continue
		}
		got, err := pbkdf2.Key(sha256.New, pw, e.Salt, e.Iterations, len(e.Hash))
		if err == nil && subtle.ConstantTimeCompare(got, e.Hash) == 1 {
			return true
		}
	}
	return false
}

// add appends pw unless it is already remembered, keeping the newest
// PasswordHistorySize entries.
func (h *PasswordHistory) add(pw string, at time.Time) error {
	if h.Contains(pw) {
		return nil
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return err
	}
	sum, err := pbkdf2.Key(sha256.New, pw, salt, PasswordHashIterations, 32)
	if err != nil {
		return err
	}
	h.Entries = append(h.Entries, passwordHash{Alg: passwordHashAlg, Iterations: PasswordHashIterations, Salt: salt, Hash: sum, At: at.UTC()})
	if n := len(h.Entries); n > PasswordHistorySize {
		h.Entries = append([]passwordHash(nil), h.Entries[n-PasswordHistorySize:]...)
	}
	return nil
}

// RememberPasswords adds the given passwords (oldest first) to the history
// file. Empty ones are skipped.
func RememberPasswords(env *steps.Env, pws ...string) error {
	h, err := LoadPasswordHistory(env)
	if err != nil {
		return err
	}
	for _, pw := range pws {
		if pw == "" {
			continue
		}
		if err := h.add(pw, env.CurrentTime()); err != nil {
			return fmt.Errorf("hashing the password for the history: %w", err)
		}
	}
	if err := env.Props.WriteState(PasswordHistoryState, h); err != nil {
		return fmt.Errorf("saving the password history: %w", err)
	}
	return nil
}

// ErrPasswordReused is the policy's answer for a reused password.
var ErrPasswordReused = fmt.Errorf("this password was used before: none of the last %d passwords may be reused, choose another", PasswordHistorySize)

// NotReused returns a check that refuses the current password and those of
// the history. A history that cannot be read refuses every password (the
// check cannot be made) with the reason.
func NotReused(env *steps.Env, current string) func(string) error {
	return func(pw string) error {
		if current != "" && pw == current {
			return errors.New("this is the current password: choose a new one")
		}
		h, err := LoadPasswordHistory(env)
		if err != nil {
			return fmt.Errorf("%v: the reuse check cannot be made; fix or remove the file and try again", err)
		}
		if h.Contains(pw) {
			return ErrPasswordReused
		}
		return nil
	}
}
