package tui

import (
	"context"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/registration"
	"github.com/edge-setup/edge-setup/steps/system"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// regPage is the registration screen of option 7. The poll loop lives here
// as a chain of commands: every answer schedules the next poll with a tick
// carrying a sequence number, so "check now" and leaving the screen simply
// make older ticks stale.
type regPage struct {
	c      *common
	id     int64
	reg    *registration.Registration
	notice string
	ran    []steps.Event // option 7's sub-steps, shown above the registration
	qrHint bool          // this screen may say which window size shows the QR code

	// asking is the tenant user being given on this screen (u), with its
	// answers so far.
	asking     *field
	askAnswers steps.Answers
	demoNote   string // what the demo's tenant operator did (o)

	ctx    context.Context
	cancel context.CancelFunc

	phase    regPhase
	progress *registration.RegistrationProgress // kept under the root for resuming
	resumed  bool
	timeline registration.Timeline
	started  time.Time // first poll
	seq      int       // current poll chain
	failures int
	nextAt   time.Time
	checking bool // a request is in flight
	// pendingUser is a tenant user given while a poll was in flight (onPoll takes it).
	pendingUser steps.Answers

	requestExists bool
	retrying      string // transient failure being retried
	tenantWarning string
	fatal         string
	fatalErr      error  // the error behind fatal (ErrCredentialsLost offers c)
	action        string // "create" / "accept" in flight
	actionErr     string
	conn          *registration.Connection
	completeErr   string

	spinner spinner.Model
}

// waitSpinner turns twice a second: enough to show the screen is alive and
// to refresh "next check in Ns", while a screen left waiting for hours
// redraws rarely (the bench measured 12 redraws a second with MiniDot).
var waitSpinner = spinner.Spinner{Frames: []string{"◐", "◓", "◑", "◒"}, FPS: time.Second / 2}

type regPhase int

const (
	regChecking regPhase = iota
	regPolling
	regCompleting
	regConnected
	regFailed
)

type (
	regExistingMsg struct {
		page int64
		conn *registration.Connection
		err  error
	}
	regPollMsg struct {
		page int64
		seq  int
		out  registration.PollOutcome
	}
	regTickMsg struct {
		page int64
		seq  int
	}
	regCompleteMsg struct {
		page int64
		conn *registration.Connection
		err  error
		dc   *tenantapi.DeviceCredentials
	}
	regActionMsg struct {
		page int64
		err  error
	}
	regRecheckMsg struct{ page int64 }
	regAskMsg     struct {
		page   int64
		prompt *steps.Prompt
		err    error
	}
	regDemoMsg struct {
		page int64
		note string
		err  error
	}
)

func newRegPage(c *common, reg *registration.Registration, notice string, ran []steps.Event) *regPage {
	ctx, cancel := context.WithCancel(context.Background())
	p := &regPage{c: c, id: nextPageID(), reg: reg, notice: notice, ran: ran, ctx: ctx, cancel: cancel}
	// The hint about a larger window is said once per run, not on every screen.
	p.qrHint, c.qrHintSaid = !c.qrHintSaid, true
	if reg.Tenant == nil && c.tenantUser != nil && system.SameHost(c.tenantUser.url, reg.URL) {
		// A resumed screen offers what the fresh one did: the tenant user
		// given in option 7 is kept in memory for this run (never stored).
		cr := c.tenantUser.cr
		reg.Tenant = &cr
	}
	if reg.Tenant != nil {
		c.tenantUser = &tenantUserMemo{url: reg.URL, cr: *reg.Tenant}
	}
	p.spinner = spinner.New(spinner.WithSpinner(waitSpinner))
	return p
}

func (p *regPage) Init() tea.Cmd {
	p.progress = p.reg.Progress()
	p.timeline = append(registration.Timeline(nil), p.progress.Timeline...)
	p.resumed = len(p.timeline) > 0
	return tea.Batch(p.spinner.Tick, p.checkExisting())
}

func (p *regPage) Update(msg tea.Msg) (page, tea.Cmd) {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		var cmd tea.Cmd
		p.spinner, cmd = p.spinner.Update(msg)
		return p, cmd
	case regExistingMsg:
		if msg.page == p.id {
			return p, p.onExisting(msg)
		}
	case regRecheckMsg:
		if msg.page == p.id && p.ctx.Err() == nil {
			return p, p.checkExisting()
		}
	case regPollMsg:
		// A poll of an older chain (a new one starts after "c" or "a") is
		// dropped, unless it brought the credentials: the tenant hands them
		// out only once.
		if msg.page == p.id && p.phase == regPolling && (msg.seq == p.seq || msg.out.Credentials != nil) {
			return p, p.onPoll(msg.out)
		}
	case regTickMsg:
		if msg.page == p.id && msg.seq == p.seq && p.phase == regPolling && p.ctx.Err() == nil {
			return p, p.poll()
		}
	case regCompleteMsg:
		if msg.page == p.id {
			return p, p.onComplete(msg)
		}
	case regActionMsg:
		if msg.page == p.id {
			p.action = ""
			if msg.err != nil {
				p.actionErr = msg.err.Error()
				return p, nil
			}
			p.actionErr = ""
			return p, p.poll()
		}
	case regAskMsg:
		if msg.page == p.id {
			return p, p.onAsk(msg)
		}
	case fieldCheckedMsg:
		if msg.page == p.id && p.asking != nil {
			return p, p.onAskOutcome(p.asking.onChecked(msg))
		}
	case regDemoMsg:
		if msg.page == p.id {
			p.action = ""
			if msg.err != nil {
				p.actionErr = msg.err.Error()
				return p, nil
			}
			p.actionErr, p.demoNote = "", msg.note
			return p, p.poll()
		}
	case tea.KeyPressMsg:
		if p.asking != nil {
			return p, p.onAskOutcome(p.asking.onKey(msg))
		}
		return p, p.onKey(msg)
	}
	if p.asking != nil {
		return p, p.asking.update(msg)
	}
	return p, nil
}

// typing reports a focused field, so that keys such as ? go to it.
func (p *regPage) typing() bool { return p.asking != nil }

func (p *regPage) Busy() bool { return false }
func (p *regPage) Close()     { p.cancel() }
