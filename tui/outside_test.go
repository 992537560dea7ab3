package tui

import (
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/registration"
)

const hostile = "\x1b]0;pwned\x07\x1b[2J\x1b[31mred\u202e"

// rawFree reports whether a rendered frame holds none of the hostile
// sequences (the frame's own styling escapes are fine).
func rawFree(t *testing.T, frame string) {
	t.Helper()
	for _, bad := range []string{"\x1b]0;pwned", "\x07", "\x1b[2J", "\x1b[31mred", "\u202e"} {
		if strings.Contains(frame, bad) {
			t.Errorf("frame holds the raw %q:\n%q", bad, frame)
		}
	}
	if !strings.Contains(frame, `\x1b]0;pwned`) {
		t.Errorf("the hostile text is not shown escaped:\n%q", frame)
	}
}

// Every message that carries outside text passes sanitize at the root:
// step events, errors (their chain kept), the tenant's registration
// answers, confirmation lines and prompt defaults.
func TestOutsideTextIsMadeSafeAtTheRoot(t *testing.T) {
	root := t.TempDir()
	m := New(Options{Env: &steps.Env{Root: root, Props: edgeprops.New(root)}})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 40})
	p := newStepPage(m.c, options.ByNumber(7), "7 - test")
	m.page = p
	p.phase = phaseRunning
	m.Update(stepEventMsg{page: p.id, event: steps.Event{Kind: steps.SubStepDone, Name: "Check " + hostile, Detail: "tenant " + hostile}})
	rawFree(t, m.page.View())

	base := errors.New("the tenant said " + hostile)
	m.Update(stepFinishedMsg{page: p.id, err: base})
	rawFree(t, m.page.View())
	if !errors.Is(p.runErr, base) {
		t.Error("sanitising lost the error chain")
	}

	msg := sanitize(promptMsg{prompt: &steps.Prompt{Key: "k", Default: "https://x" + hostile, Note: hostile}}).(promptMsg)
	if strings.ContainsRune(msg.prompt.Default, 0x1b) || strings.ContainsRune(msg.prompt.Note, 0x1b) {
		t.Errorf("prompt default/note not made safe: %q %q", msg.prompt.Default, msg.prompt.Note)
	}
	conf := sanitize(confirmMsg{lines: []string{"Tenant user " + hostile}}).(confirmMsg)
	if strings.ContainsRune(conf.lines[0], 0x1b) {
		t.Errorf("confirmation line not made safe: %q", conf.lines[0])
	}
	polled := sanitize(regEventMsg{ev: registration.RegPolled{Status: hostile}}).(regEventMsg).ev.(registration.RegPolled)
	failed := sanitize(regEventMsg{ev: registration.RegFailed{Err: errors.New(hostile)}}).(regEventMsg).ev.(registration.RegFailed)
	if strings.ContainsRune(polled.Status, 0x1b) || strings.ContainsRune(failed.Err.Error(), 0x1b) {
		t.Errorf("poll outcome not made safe: %+v %v", polled, failed.Err)
	}
	done := sanitize(regEventMsg{ev: registration.RegConnection{Conn: &registration.Connection{TenantID: hostile, ManagedObjectID: hostile}}}).(regEventMsg).ev.(registration.RegConnection)
	if strings.ContainsRune(done.Conn.TenantID+done.Conn.ManagedObjectID, 0x1b) {
		t.Errorf("connection not made safe: %+v", done.Conn)
	}
}

// A 20,000-character paste into a text field is cut at the field's limit:
// the field never holds (and redraws) more than steps.MaxAnswerLength.
func TestPasteIntoAFieldIsBounded(t *testing.T) {
	root := t.TempDir()
	m := New(Options{Env: &steps.Env{Root: root, Props: edgeprops.New(root)}})
	p := newStepPage(m.c, options.ByNumber(7), "7 - test")
	m.page = p
	p.onPrompt(promptMsg{page: p.id, prompt: &steps.Prompt{Key: "k", Text: "t"}})
	m.Update(tea.PasteMsg{Content: strings.Repeat("a", 20000)})
	for range 50 {
		m.Update(tea.KeyPressMsg{Code: 'b', Text: "b"})
	}
	if n := len(p.field.input.Value()); n != steps.MaxAnswerLength {
		t.Errorf("field holds %d characters, want the limit %d", n, steps.MaxAnswerLength)
	}
}
