package tui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/diagnose"
	"github.com/edge-setup/edge-setup/steps/registration"
	"github.com/edge-setup/edge-setup/steps/safetext"
)

// sanitize is the one place where text from outside enters the TUI: every
// message a command brings back (step events and errors, prompt defaults
// read from files, confirmation lines with typed names, the tenant's
// answers and errors of the registration, diagnose checks) passes
// safetext before a page stores it. The pages style their own text after
// that, so a hostile tenant ID or file can neither colour the screen nor
// send a terminal command. Errors keep their chain (errors.Is still works).
func sanitize(msg tea.Msg) tea.Msg {
	switch m := msg.(type) {
	case stepEventMsg:
		m.event = safeEvent(m.event)
		return m
	case diagEventMsg:
		m.event = safeEvent(m.event)
		return m
	case diagDoneMsg:
		checks := make([]diagnose.Check, len(m.checks))
		for i, c := range m.checks {
			c.Name, c.Detail, c.Fix = safetext.Line(c.Name), safetext.Text(c.Detail), safetext.Text(c.Fix)
			checks[i] = c
		}
		m.checks = checks
		return m
	case promptMsg:
		if m.prompt != nil {
			pr := *m.prompt
			pr.Default, pr.Note = safetext.Line(pr.Default), safetext.Text(pr.Note)
			m.prompt = &pr
		}
		m.err = safeErr(m.err)
		return m
	case unavailableMsg:
		m.err = safeErr(m.err)
		return m
	case fieldCheckedMsg:
		m.invalid, m.verifyErr = safeErr(m.invalid), safeErr(m.verifyErr)
		return m
	case confirmMsg:
		lines := make([]string, len(m.lines))
		for i, l := range m.lines {
			lines[i] = safetext.Text(l)
		}
		m.lines = lines
		return m
	case stepFinishedMsg:
		m.err = safeErr(m.err)
		return m
	case regEventMsg:
		m.ev = safeRegEvent(m.ev)
		return m
	}
	return msg
}

// safeRegEvent makes the registration machine's outside text safe: the
// tenant's statuses, errors and connection, the demo operator's note.
func safeRegEvent(ev registration.RegEvent) registration.RegEvent {
	switch e := ev.(type) {
	case registration.RegStatusChanged:
		e.Status, e.Timeline = safetext.Line(e.Status), safeTimeline(e.Timeline)
		return e
	case registration.RegResumed:
		e.Timeline = safeTimeline(e.Timeline)
		return e
	case registration.RegPolled:
		e.Status = safetext.Line(e.Status)
		return e
	case registration.RegRetrying:
		e.Err = safeErr(e.Err)
		return e
	case registration.RegWarning:
		e.Err = safeErr(e.Err)
		return e
	case registration.RegTenantWarning:
		e.Err = safeErr(e.Err)
		return e
	case registration.RegActionDone:
		e.Note = safetext.Text(e.Note)
		return e
	case registration.RegActionFailed:
		e.Err = safeErr(e.Err)
		return e
	case registration.RegConnection:
		e.Conn = safeConn(e.Conn)
		return e
	case registration.RegFailed:
		e.Err = safeErr(e.Err)
		return e
	}
	return ev
}

func safeTimeline(t registration.Timeline) registration.Timeline {
	out := make(registration.Timeline, len(t))
	for i, c := range t {
		c.Status = safetext.Line(c.Status)
		out[i] = c
	}
	return out
}

func safeEvent(e steps.Event) steps.Event {
	e.Name, e.Detail = safetext.Line(e.Name), safetext.Text(e.Detail)
	return e
}

func safeConn(c *registration.Connection) *registration.Connection {
	if c == nil {
		return nil
	}
	s := *c
	s.URL, s.TenantID, s.Username, s.ManagedObjectID = safetext.Line(s.URL), safetext.Line(s.TenantID), safetext.Line(s.Username), safetext.Line(s.ManagedObjectID)
	return &s
}

// safeErr shows err's text made safe (line breaks kept) and keeps its chain.
func safeErr(err error) error {
	if err == nil {
		return nil
	}
	msg := safetext.Text(err.Error())
	if msg == err.Error() {
		return err
	}
	return &sanitizedError{msg: msg, err: err}
}

type sanitizedError struct {
	msg string
	err error
}

func (e *sanitizedError) Error() string { return e.msg }
func (e *sanitizedError) Unwrap() error { return e.err }
