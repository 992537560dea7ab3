package tui

import (
	"context"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/registration"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// common is shared by every page: size, styles and the environment.
type common struct {
	env    *steps.Env
	styles Styles
	width  int
	height int
	banner []string

	// tenantUser is the tenant user given in option 7 or on the
	// registration screen, in memory for this run only (never stored), so
	// that a resumed registration offers the same actions.
	tenantUser *tenantUserMemo
	qrHintSaid bool // the QR window-size hint was shown once
	demoHelp   []string
	// demoOperator, in --demo only, plays the tenant's operator for a
	// device ID: registers it, or accepts its pending request.
	demoOperator func(ctx context.Context, deviceID string) (string, error)
	demoCloud    DemoCloud
}

// now is the environment's clock (steps.Env.Now), or the wall clock.
func (c *common) now() time.Time {
	if c.env.Now != nil {
		return c.env.Now()
	}
	return time.Now()
}

type tenantUserMemo struct {
	url string
	cr  tenantapi.Credentials
}

// page is one screen under the root model.
type page interface {
	Init() tea.Cmd
	Update(msg tea.Msg) (page, tea.Cmd)
	View() string
	ShortHelp() []key.Binding
	// Busy reports work that Ctrl+C should stop cleanly before quitting.
	Busy() bool
	// Close stops the page's background work (contexts, polls).
	Close()
}

var pageIDs atomic.Int64

// nextPageID gives each page instance an id; messages carry it so that late
// answers for a page the operator has left are dropped.
func nextPageID() int64 { return pageIDs.Add(1) }

// Navigation messages, sent by pages, handled by the root.
type (
	gotoMenuMsg struct{ notice string }
	openStepMsg struct {
		step  steps.Step
		title string // read with the menu, off the Update loop
	}
	openRegMsg struct {
		reg    *registration.Registration
		notice string
		ran    []steps.Event // option 7's sub-steps, kept in view
	}
)

func gotoMenu(notice string) tea.Cmd {
	return func() tea.Msg { return gotoMenuMsg{notice: notice} }
}

// wrap breaks text to the window width at spaces only, keeping ANSI styles
// intact. A token (a device ID, a URL, a user name) is never split at a
// hyphen: it moves whole to the next line, and only a token wider than the
// whole line is cut, at the edge, with no hyphen added. Continuation lines
// are indented by indent spaces.
func (c *common) wrap(s string, indent int) string {
	return wrapText(s, max(c.width, 20), indent)
}

// hang wraps with the product's one hanging indent: continuation lines
// start under the text after "✗ ", "* " or "• ".
func (c *common) hang(s string) string { return c.wrap(s, 2) }

func wrapText(s string, width, indent int) string {
	var out []string
	for _, para := range strings.Split(glueUnits.ReplaceAllString(s, "$1\u00a0$2"), "\n") {
		out = append(out, wrapLine(para, width, indent)...)
	}
	return strings.ReplaceAll(strings.Join(out, "\n"), "\u00a0", " ")
}

// glueUnits keeps a number with its unit ("100.0 GiB", "20 s") on one line.
var glueUnits = regexp.MustCompile(`(\d) ((?:[KMGTP]i)?B|%|ms|s|min|h)\b`)

func wrapLine(s string, width, indent int) []string {
	if ansi.StringWidth(s) <= width {
		return []string{s}
	}
	pad := strings.Repeat(" ", indent)
	var lines []string
	var cur strings.Builder
	curW := 0
	flush := func() {
		lines = append(lines, strings.TrimRight(cur.String(), " "))
		cur.Reset()
		cur.WriteString(pad)
		curW = indent
	}
	for i, w := range strings.Split(s, " ") {
		ww := ansi.StringWidth(w)
		sep := 0
		if i > 0 {
			sep = 1
		}
		if curW+sep+ww > width && curW > indent {
			flush()
			sep = 0
		}
		if sep == 1 {
			cur.WriteString(" ")
			curW++
		}
		for curW+ww > width && ww > 0 {
			// A token longer than the line: cut it at the edge, no hyphen.
			room := width - curW
			if room <= 0 {
				flush()
				continue
			}
			cur.WriteString(ansi.Cut(w, 0, room))
			w = ansi.Cut(w, room, ww)
			ww = ansi.StringWidth(w)
			flush()
		}
		cur.WriteString(w)
		curW += ww
	}
	if curW > indent || len(lines) == 0 {
		lines = append(lines, strings.TrimRight(cur.String(), " "))
	}
	return lines
}

// bannerLines are the banner as drawn: wrapped, not cut, so the demo's
// credentials stay readable at 80 columns; small windows keep the first
// line, the one that matters most.
func (c *common) bannerLines() []string {
	var out []string
	for _, b := range c.banner[:c.bannerShown()] {
		out = append(out, strings.Split(c.styles.Banner.Render(wrapText(b, max(c.width, 20), 5)), "\n")...)
	}
	return out
}

// bannerShown is how many banner lines the window has room for; the rest
// are in the ? help.
func (c *common) bannerShown() int {
	switch {
	case c.height < 24 && len(c.banner) > 1:
		return 1
	case c.height < 30 && len(c.banner) > 2:
		return 2 // the credentials
	}
	return len(c.banner)
}

func cloneAnswers(a steps.Answers) steps.Answers {
	b := make(steps.Answers, len(a))
	for k, v := range a {
		b[k] = v
	}
	return b
}
