// Package answers is `edge-setup apply`: it parses and checks an answers
// file (one entry per option, secrets from {env:} or {file:}), plans what
// each option would change, and runs the options with those answers.
package answers
