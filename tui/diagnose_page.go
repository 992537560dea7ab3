package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/diagnose"
)

// diagPage runs diagnose.Diagnose against the configured tenant and shows the
// checks line by line as they finish: symbol, name, detail, and the fix
// under a warning or failure. It changes nothing, so leaving it simply
// cancels the run.
type diagPage struct {
	c      *common
	id     int64
	ctx    context.Context
	cancel context.CancelFunc

	running string           // check in progress
	checks  []diagnose.Check // finished ones, in order
	done    bool
	offset  int  // first line shown when the results are taller than the window
	follow  bool // keep the newest line in view while running

	spinner spinner.Model
}

type (
	openDiagnoseMsg struct{}
	diagEventMsg    struct {
		page  int64
		event steps.Event
		ch    <-chan tea.Msg
	}
	diagDoneMsg struct {
		page   int64
		checks []diagnose.Check
	}
)

// diagNameWidth is the width of the name column ("Proxy tunnel" and a space).
const diagNameWidth = 13

func newDiagPage(c *common) *diagPage {
	p := &diagPage{c: c, id: nextPageID()}
	p.spinner = spinner.New(spinner.WithSpinner(spinner.MiniDot))
	return p
}

func (p *diagPage) Init() tea.Cmd { return tea.Batch(p.spinner.Tick, p.run()) }

// run starts the checks in their own goroutine; events come back one
// message at a time (listen and re-arm).
func (p *diagPage) run() tea.Cmd {
	if p.cancel != nil {
		p.cancel()
	}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	p.id = nextPageID() // drops the messages of an earlier run
	p.checks, p.running, p.done, p.offset, p.follow = nil, "", false, 0, true
	ch := make(chan tea.Msg, 64)
	ctx, env, id := p.ctx, p.c.env, p.id
	go func() {
		defer close(ch)
		checks := diagnose.Diagnose(ctx, env, "", func(e steps.Event) { ch <- diagEventMsg{page: id, event: e, ch: ch} })
		ch <- diagDoneMsg{page: id, checks: checks}
	}()
	return waitFor(ch)
}

func (p *diagPage) Update(msg tea.Msg) (page, tea.Cmd) {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		var cmd tea.Cmd
		p.spinner, cmd = p.spinner.Update(msg)
		return p, cmd
	case diagEventMsg:
		if msg.page != p.id {
			return p, nil
		}
		p.onEvent(msg.event)
		return p, waitFor(msg.ch)
	case diagDoneMsg:
		if msg.page == p.id {
			p.checks, p.running, p.done = msg.checks, "", true
			p.scrollToFirstProblem()
		}
		return p, nil
	case tea.KeyPressMsg:
		return p, p.onKey(msg)
	}
	return p, nil
}

func (p *diagPage) onEvent(e steps.Event) {
	status := map[steps.EventKind]diagnose.CheckStatus{
		steps.SubStepDone: diagnose.CheckOK, steps.Warning: diagnose.CheckWarn,
		steps.SubStepFailed: diagnose.CheckFail, steps.SubStepSkipped: diagnose.CheckSkipped,
	}
	switch st, ok := status[e.Kind]; {
	case e.Kind == steps.SubStepStarted:
		p.running = e.Name
	case ok:
		p.running = ""
		p.checks = append(p.checks, diagnose.Check{Name: e.Name, Status: st, Detail: e.Detail})
	case e.Kind == steps.Info && len(p.checks) > 0 && p.checks[len(p.checks)-1].Name == e.Name:
		p.checks[len(p.checks)-1].Fix = e.Detail
	}
}

func (p *diagPage) onKey(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, keys.Rerun) && p.done:
		return tea.Batch(p.spinner.Tick, p.run())
	case key.Matches(k, keys.Up), key.Matches(k, keys.Down):
		if p.follow {
			win, total := p.window()
			p.offset = total - win
		}
		p.follow = false
		if key.Matches(k, keys.Up) {
			p.scroll(p.offset - 1)
		} else {
			p.scroll(p.offset + 1)
		}
	case key.Matches(k, keys.Continue), key.Matches(k, keys.Back):
		return gotoMenu(p.leaveNotice())
	}
	return nil
}

func (p *diagPage) leaveNotice() string {
	if !p.done {
		return "Diagnosis stopped before it finished."
	}
	return p.summary()
}

func (p *diagPage) summary() string {
	s := p.c.styles
	var fails, warns []string
	for _, c := range p.checks {
		switch c.Status {
		case diagnose.CheckFail:
			fails = append(fails, c.Name)
		case diagnose.CheckWarn:
			warns = append(warns, c.Name)
		}
	}
	switch {
	case len(fails) > 0:
		return s.Error.Render(symFailed+" ") + "Diagnosis: " + strings.Join(fails, ", ") + " failed. Follow the fix under the first failed check, then press r to run again."
	case len(warns) > 0:
		return s.Warning.Render(symWarn+" ") + "Diagnosis: the tenant is reachable; read the warnings (" + strings.Join(warns, ", ") + ")."
	}
	return s.Success.Render(symDone+" ") + "Diagnosis: the tenant is reachable; every check passed."
}

// lines are the whole page, wrapped to the window, and the line each
// finished check starts on.
func (p *diagPage) lines() ([]string, map[string]int) {
	s := p.c.styles
	at := map[string]int{}
	out := []string{s.Subtitle.Render("D - Diagnose the connection to the tenant")}
	out = append(out, strings.Split(s.Dim.Render(p.c.wrap("Proxy, DNS, TCP, TLS, HTTP and the clock, one after the other. Nothing is changed.", 0)), "\n")...)
	out = append(out, "")
	for _, c := range p.checks {
		at[c.Name] = len(out)
		out = append(out, p.checkLines(p.symbol(c.Status), c.Name, c.Detail, c.Status)...)
		if c.Fix != "" {
			out = append(out, p.hang(s.Key.Render("Fix: ")+c.Fix)...)
		}
	}
	if p.running != "" {
		out = append(out, p.checkLines(p.spinner.View(), p.running, s.Dim.Render("checking…"), diagnose.CheckOK)...)
	}
	if p.done {
		out = append(out, "")
		out = append(out, strings.Split(p.c.wrap(p.summary(), 0), "\n")...)
	}
	return out, at
}

func (p *diagPage) symbol(st diagnose.CheckStatus) string {
	s := p.c.styles
	switch st {
	case diagnose.CheckOK:
		return s.Success.Render(symDone)
	case diagnose.CheckWarn:
		return s.Warning.Render(symWarn)
	case diagnose.CheckFail:
		return s.Error.Render(symFailed)
	}
	return s.Dim.Render(symSkipped)
}

// checkLines is "✓ Name         detail", the detail wrapped under itself.
func (p *diagPage) checkLines(sym, name, detail string, st diagnose.CheckStatus) []string {
	if st == diagnose.CheckSkipped {
		detail = p.c.styles.Dim.Render(detail)
	}
	lines := p.hang(detail)
	lines[0] = sym + " " + fmt.Sprintf("%-*s", diagNameWidth, name) + strings.TrimLeft(lines[0], " ")
	return lines
}

// hang wraps text in the column right of the names.
func (p *diagPage) hang(text string) []string {
	indent := 2 + diagNameWidth
	w := max(p.c.width-indent, 20)
	lines := strings.Split(ansi.Wrap(text, w, ""), "\n")
	for i, l := range lines {
		lines[i] = strings.Repeat(" ", indent) + l
	}
	return lines
}

// scrollToFirstProblem shows the first failed or warned check near the
// top when the results do not fit, or the summary when all is well.
func (p *diagPage) scrollToFirstProblem() {
	p.follow, p.offset = false, 0
	all, at := p.lines()
	if len(all) <= p.c.bodyHeight() {
		return
	}
	for _, c := range p.checks {
		if c.Status == diagnose.CheckFail || c.Status == diagnose.CheckWarn {
			p.scroll(at[c.Name] - 3) // keep the checks before it in view when it costs little
			return
		}
	}
	p.scroll(len(all))
}

// window is how many result lines fit when they must scroll (one line
// says there is more), and how many lines there are.
func (p *diagPage) window() (win, total int) {
	all, _ := p.lines()
	return p.c.bodyHeight() - 1, len(all)
}

// scroll sets the first line shown, within bounds.
func (p *diagPage) scroll(to int) {
	win, total := p.window()
	p.offset = max(min(to, total-win), 0)
}

func (p *diagPage) View() string {
	all, _ := p.lines()
	h := p.c.bodyHeight()
	if len(all) <= h || h < 3 {
		return strings.Join(all, "\n")
	}
	win := h - 1
	off := min(max(p.offset, 0), len(all)-win)
	if p.follow {
		off = len(all) - win
	}
	more := fmt.Sprintf("↑/↓ scroll · lines %d-%d of %d", off+1, off+win, len(all))
	return strings.Join(append(all[off:off+win:off+win], p.c.styles.Dim.Render(more)), "\n")
}

func (p *diagPage) ShortHelp() []key.Binding {
	var b []key.Binding
	if p.done {
		b = append(b, keys.Continue, keys.Rerun)
	} else {
		b = append(b, keys.Back)
	}
	return b // the scroll line itself says ↑/↓ when there is more
}

func (p *diagPage) Busy() bool { return false }
func (p *diagPage) Close() {
	if p.cancel != nil {
		p.cancel()
	}
}
