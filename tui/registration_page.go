package tui

import (
	"context"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/registration"
	"github.com/edge-setup/edge-setup/steps/system"
)

// regPage is the registration screen of option 7. It drives
// registration.RegistrationMachine: the machine runs in a command, its events
// come back one by one (listen), keys become commands; the page keeps only
// what it draws.
type regPage struct {
	c      *common
	id     int64
	reg    *registration.Registration // URL and device ID only: the machine owns the rest
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
	cmds   chan registration.RegCommand
	events chan registration.RegEvent

	phase     regPhase
	canManage bool // a tenant user is known (c and a work here)
	resumed   bool
	started   time.Time // of a resumed registration
	timeline  registration.Timeline
	nextAt    time.Time
	checking  bool // a request is in flight

	retrying      string // transient failure being retried
	tenantWarning string
	fatal         string
	fatalErr      error  // the error behind fatal (ErrCredentialsLost offers c)
	action        string // "create" / "accept" / "demo" in flight
	actionErr     string
	conn          *registration.Connection

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
	// regEventMsg is one event of the page's registration machine.
	regEventMsg struct {
		page int64
		ev   registration.RegEvent
	}
	regAskMsg struct {
		page   int64
		prompt *steps.Prompt
		err    error
	}
)

func newRegPage(c *common, reg *registration.Registration, notice string, ran []steps.Event) *regPage {
	ctx, cancel := context.WithCancel(context.Background())
	p := &regPage{c: c, id: nextPageID(), reg: reg, notice: notice, ran: ran, ctx: ctx, cancel: cancel,
		cmds: make(chan registration.RegCommand, 16), events: make(chan registration.RegEvent, 16)}
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
	p.canManage = reg.CanManage() // before the machine starts; it tells of changes
	p.spinner = spinner.New(spinner.WithSpinner(waitSpinner))
	return p
}

func (p *regPage) Init() tea.Cmd {
	return tea.Batch(p.spinner.Tick, p.run(), p.listen())
}

func (p *regPage) Update(msg tea.Msg) (page, tea.Cmd) {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		var cmd tea.Cmd
		p.spinner, cmd = p.spinner.Update(msg)
		return p, cmd
	case regEventMsg:
		if msg.page == p.id {
			p.onEvent(msg.ev)
			return p, p.listen()
		}
	case regAskMsg:
		if msg.page == p.id {
			return p, p.onAsk(msg)
		}
	case fieldCheckedMsg:
		if msg.page == p.id && p.asking != nil {
			return p, p.onAskOutcome(p.asking.onChecked(msg))
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
