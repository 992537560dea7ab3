package system

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/edge-setup/edge-setup/steps"
)

// The tenant admin password policy of the reference script: 8 to 32
// characters, each a letter, a digit or one of PasswordSpecials.
const (
	PasswordMinLen   = 8
	PasswordMaxLen   = 32
	PasswordSpecials = "~!@#$%^&*()_|+-=?;:'\",.<>{}[]\\/"
)

// Prompt texts of the reference for the tenant admin password.
const (
	PromptAdminPassword    = "* Enter tenant admin password:"
	PromptNewAdminPassword = "* Enter new tenant admin password:"
	PromptReenterPassword  = "* Re-enter tenant admin password:"
)

// passwordRuleHelp is shown under every password prompt.
const passwordRuleHelp = "8 to 32 characters: letters, digits and " + PasswordSpecials

// CheckPasswordPolicy returns nil when pw follows the policy, or an error that
// says which rule it breaks. The error never contains the password; it names
// a refused character only by its description.
func CheckPasswordPolicy(pw string) error {
	n := utf8.RuneCountInString(pw)
	if n < PasswordMinLen {
		return fmt.Errorf("the password has %d characters; it needs at least %d", n, PasswordMinLen)
	}
	if n > PasswordMaxLen {
		return fmt.Errorf("the password has %d characters; at most %d are allowed", n, PasswordMaxLen)
	}
	for i, r := range []rune(pw) {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(PasswordSpecials, r)) {
			continue
		}
		return fmt.Errorf("character %d of the password (%s) is not allowed: use only letters a-z A-Z, digits and %s", i+1, DescribeRune(r), PasswordSpecials)
	}
	return nil
}

// DescribeRune names a refused character without echoing a printable secret
// character in full context.
func DescribeRune(r rune) string {
	switch {
	case r == ' ':
		return "a space"
	case r == '\t':
		return "a tab"
	case r < 32 || r == 127:
		return fmt.Sprintf("control character U+%04X", r)
	case r >= 128:
		return fmt.Sprintf("non-ASCII character %q", r)
	}
	return fmt.Sprintf("%q", r)
}

// NewPasswordPrompt asks for a password and checks the policy plus extra
// (reuse checks); it never trims: spaces are refused by the policy.
func NewPasswordPrompt(key, text string, extra func(string) error) *steps.Prompt {
	return &steps.Prompt{
		Key:    key,
		Text:   text,
		Help:   passwordRuleHelp,
		Secret: true,
		Validate: func(s string) (string, error) {
			if s == "" {
				return "", errors.New("the password cannot be empty: " + passwordRuleHelp)
			}
			if err := CheckPasswordPolicy(s); err != nil {
				return "", err
			}
			if extra != nil {
				if err := extra(s); err != nil {
					return "", err
				}
			}
			return s, nil
		},
	}
}

// ReenterPasswordPrompt asks for the password again and compares it with the
// answer under pwKey.
func ReenterPasswordPrompt(key, pwKey string, a steps.Answers) *steps.Prompt {
	return &steps.Prompt{
		Key:    key,
		Text:   PromptReenterPassword,
		Secret: true,
		Validate: func(s string) (string, error) {
			if s != a[pwKey] {
				return "", &steps.ReaskError{Keys: []string{pwKey}, Reason: "the passwords do not match: enter the password and its re-entry again"}
			}
			return s, nil
		},
	}
}
