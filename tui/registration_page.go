package tui

import (
	"context"
	"errors"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// regPage is the registration screen of option 7. The poll loop lives here
// as a chain of commands: every answer schedules the next poll with a tick
// carrying a sequence number, so "check now" and leaving the screen simply
// make older ticks stale.
type regPage struct {
	c      *common
	id     int64
	reg    *steps.Registration
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
	progress *steps.RegistrationProgress // kept under the root for resuming
	resumed  bool
	timeline steps.Timeline
	started  time.Time // first poll
	seq      int       // current poll chain
	failures int
	nextAt   time.Time
	checking bool // a request is in flight

	requestExists bool
	retrying      string // transient failure being retried
	tenantWarning string
	fatal         string
	fatalErr      error  // the error behind fatal (ErrCredentialsLost offers c)
	action        string // "create" / "accept" in flight
	actionErr     string
	conn          *steps.Connection
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
		conn *steps.Connection
		err  error
	}
	regPollMsg struct {
		page int64
		seq  int
		out  steps.PollOutcome
	}
	regTickMsg struct {
		page int64
		seq  int
	}
	regCompleteMsg struct {
		page int64
		conn *steps.Connection
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

func newRegPage(c *common, reg *steps.Registration, notice string, ran []steps.Event) *regPage {
	ctx, cancel := context.WithCancel(context.Background())
	p := &regPage{c: c, id: nextPageID(), reg: reg, notice: notice, ran: ran, ctx: ctx, cancel: cancel}
	// The hint about a larger window is said once per run, not on every screen.
	p.qrHint, c.qrHintSaid = !c.qrHintSaid, true
	if reg.Tenant == nil && c.tenantUser != nil && steps.SameHost(c.tenantUser.url, reg.URL) {
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
	p.timeline = append(steps.Timeline(nil), p.progress.Timeline...)
	p.resumed = len(p.timeline) > 0
	return tea.Batch(p.spinner.Tick, p.checkExisting())
}

// observe records a status; a change is kept under the root (off the
// Update loop) so that leaving and coming back resumes the registration.
func (p *regPage) observe(status string) tea.Cmd {
	if !p.timeline.Observe(status, p.c.now()) {
		return nil
	}
	reg := p.reg
	if status == steps.StatusConnected {
		// Complete and CheckExisting clear the progress themselves.
		return func() tea.Msg { steps.NewActionLog(reg.Env).LogRegistration(status); return nil }
	}
	prog := *p.progress
	prog.Timeline = append(steps.Timeline(nil), p.timeline...)
	return func() tea.Msg {
		steps.NewActionLog(reg.Env).LogRegistration(status)
		reg.SaveProgress(&prog)
		return nil
	}
}

func (p *regPage) checkExisting() tea.Cmd {
	p.checking = true
	ctx, reg, id := p.ctx, p.reg, p.id
	return func() tea.Msg {
		conn, err := reg.CheckExisting(ctx)
		return regExistingMsg{page: id, conn: conn, err: err}
	}
}

// poll sends one poll now and starts a new chain.
func (p *regPage) poll() tea.Cmd {
	p.seq++
	p.checking = true
	if p.started.IsZero() {
		p.started = p.c.now()
	}
	ctx, reg, id, seq := p.ctx, p.reg, p.id, p.seq
	elapsed, failures := p.c.now().Sub(p.started), p.failures
	return func() tea.Msg {
		return regPollMsg{page: id, seq: seq, out: reg.PollOnce(ctx, elapsed, failures)}
	}
}

func (p *regPage) schedule(d time.Duration) tea.Cmd {
	p.nextAt = p.c.now().Add(d)
	id, seq := p.id, p.seq
	return tea.Tick(d, func(time.Time) tea.Msg { return regTickMsg{page: id, seq: seq} })
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

// ask shows the next question for a tenant user (u), off the Update loop.
func (p *regPage) ask() tea.Cmd {
	reg, a, id := p.reg, cloneAnswers(p.askAnswers), p.id
	return func() tea.Msg {
		pr, err := reg.TenantUserPrompt(a)
		return regAskMsg{page: id, prompt: pr, err: err}
	}
}

func (p *regPage) onAsk(msg regAskMsg) tea.Cmd {
	switch {
	case msg.err != nil:
		p.asking, p.actionErr = nil, msg.err.Error()
		return nil
	case msg.prompt == nil:
		p.asking = nil
		p.reg.UseTenantUser(p.askAnswers)
		p.c.tenantUser = &tenantUserMemo{url: p.reg.URL, cr: *p.reg.Tenant}
		if !p.checking {
			return p.poll() // the tenant's view of the request, now
		}
		return nil
	}
	p.asking = newField(p.c, p.id, p.ctx, msg.prompt, "")
	return p.asking.focus()
}

func (p *regPage) onAskOutcome(o fieldOutcome, cmd tea.Cmd) tea.Cmd {
	switch o {
	case fieldCancel, fieldReask:
		p.asking = nil // back to the registration, which kept polling
		return nil
	case fieldAccepted:
		p.askAnswers[p.asking.prompt.Key] = p.asking.answer
		return p.ask()
	}
	return cmd
}

// typing reports a focused field, so that keys such as ? go to it.
func (p *regPage) typing() bool { return p.asking != nil }

func (p *regPage) onExisting(msg regExistingMsg) tea.Cmd {
	p.checking = false
	switch {
	case msg.err == nil:
		p.phase, p.conn = regConnected, msg.conn
		return p.observe(steps.StatusConnected)
	case errors.Is(msg.err, steps.ErrNoCredentials):
		p.phase = regPolling
		return p.poll()
	case errors.Is(msg.err, steps.ErrCredentialsInvalid):
		p.notice = msg.err.Error()
		p.phase = regPolling
		return p.poll()
	case errors.Is(msg.err, context.Canceled):
		return nil
	}
	if retry, _ := tenantapi.Retryable(msg.err); !retry {
		// TLS trust, a bad URL, an unusable answer: waiting cannot heal it
		p.phase, p.fatal, p.fatalErr = regFailed, msg.err.Error(), msg.err
		return nil
	}
	// The tenant could not be asked: try again later, without polling for
	// credentials the device may already have.
	p.failures++
	p.retrying = msg.err.Error()
	d := p.reg.Cadence.Retry(p.failures, 0)
	p.nextAt = p.c.now().Add(d)
	id := p.id
	return tea.Tick(d, func(time.Time) tea.Msg { return regRecheckMsg{page: id} })
}

func (p *regPage) onPoll(out steps.PollOutcome) tea.Cmd {
	p.checking = false
	switch {
	case out.Fatal != nil:
		if errors.Is(out.Fatal, context.Canceled) {
			return nil
		}
		p.phase, p.fatal, p.fatalErr = regFailed, out.Fatal.Error(), out.Fatal
		return nil
	case out.Retrying != nil:
		p.failures++
		p.retrying = out.Retrying.Error()
		return p.schedule(out.Next)
	case out.Credentials != nil:
		p.failures, p.retrying = 0, ""
		p.phase = regCompleting
		return tea.Batch(p.observe(steps.StatusAccepted), p.complete(out.Credentials))
	}
	p.failures, p.retrying = 0, ""
	p.requestExists = out.RequestExists
	p.tenantWarning = ""
	if out.TenantWarning != nil {
		p.tenantWarning = out.TenantWarning.Error()
	}
	return tea.Batch(p.observe(out.Status), p.schedule(out.Next))
}

func (p *regPage) complete(dc *tenantapi.DeviceCredentials) tea.Cmd {
	ctx, reg, id := p.ctx, p.reg, p.id
	return func() tea.Msg {
		conn, err := reg.Complete(ctx, dc)
		return regCompleteMsg{page: id, conn: conn, err: err, dc: dc}
	}
}

func (p *regPage) onComplete(msg regCompleteMsg) tea.Cmd {
	if msg.err == nil {
		p.phase, p.conn, p.completeErr, p.retrying = regConnected, msg.conn, "", ""
		return p.observe(steps.StatusConnected)
	}
	if errors.Is(msg.err, context.Canceled) {
		return nil
	}
	if retry, after := tenantapi.Retryable(msg.err); retry {
		p.failures++
		p.retrying = msg.err.Error()
		d := p.reg.Cadence.Retry(p.failures, after)
		p.nextAt = p.c.now().Add(d)
		dc := msg.dc
		return tea.Tick(d, func(time.Time) tea.Msg {
			return p.complete(dc)()
		})
	}
	p.phase, p.fatal, p.fatalErr = regFailed, msg.err.Error(), msg.err
	return nil
}

func (p *regPage) onKey(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, keys.Back):
		return gotoMenu(p.leaveNotice())
	case p.phase == regFailed && key.Matches(k, keys.Create) && p.canRegisterAgain():
		p.phase, p.fatal, p.fatalErr = regPolling, "", nil
		return p.act("create", p.reg.RegisterAgain)
	case p.phase == regConnected && key.Matches(k, keys.RemoteAccess):
		ra := steps.RemoteAccess{}
		return func() tea.Msg { return openStepMsg{step: ra, title: ra.Title(p.c.env)} }
	case p.phase == regConnected || p.phase == regFailed:
		if key.Matches(k, keys.Continue) {
			return gotoMenu(p.leaveNotice())
		}
	case p.phase != regPolling || p.action != "":
	case key.Matches(k, keys.CheckNow):
		if !p.checking {
			return p.poll()
		}
	case key.Matches(k, keys.Create) && p.canCreate():
		return p.act("create", p.reg.CreateRequest)
	case key.Matches(k, keys.Accept) && p.canAccept():
		return p.act("accept", p.reg.Accept)
	case key.Matches(k, keys.TenantUser) && !p.reg.CanManage():
		p.askAnswers = steps.Answers{}
		return p.ask()
	case key.Matches(k, keys.DemoOperator) && p.c.demoOperator != nil:
		p.action, p.actionErr = "demo", ""
		ctx, id, op, devID := p.ctx, p.id, p.c.demoOperator, p.reg.DeviceID
		return func() tea.Msg {
			note, err := op(ctx, devID)
			return regDemoMsg{page: id, note: note, err: err}
		}
	}
	return nil
}

func (p *regPage) act(name string, fn func(context.Context) error) tea.Cmd {
	p.action, p.actionErr = name, ""
	ctx, id := p.ctx, p.id
	return func() tea.Msg { return regActionMsg{page: id, err: fn(ctx)} }
}

func (p *regPage) canCreate() bool {
	return p.reg.CanManage() && p.timeline.Current() == steps.StatusNotRegistered
}

// canRegisterAgain: the credentials the tenant issued were lost and a
// tenant user can delete the request and create it again.
func (p *regPage) canRegisterAgain() bool {
	return p.phase == regFailed && p.reg.CanManage() && errors.Is(p.fatalErr, steps.ErrCredentialsLost)
}

func (p *regPage) canAccept() bool {
	return p.reg.CanManage() && p.timeline.Current() == steps.StatusPending
}

func (p *regPage) leaveNotice() string {
	s := p.c.styles
	switch p.phase {
	case regConnected:
		return s.Success.Render(symDone+" ") + "The Edge is connected to " + p.reg.URL + "."
	case regFailed:
		return s.Error.Render(symFailed+" ") + "Registration stopped: " + p.fatal
	}
	return "Stopped waiting for the registration (the configuration stays saved): press r to resume it."
}

func (p *regPage) Busy() bool { return false }
func (p *regPage) Close()     { p.cancel() }

func (p *regPage) ShortHelp() []key.Binding {
	switch p.phase {
	case regConnected:
		return []key.Binding{keys.Continue, keys.RemoteAccess}
	case regFailed:
		if p.canRegisterAgain() {
			return []key.Binding{keys.Create, keys.Continue}
		}
		return []key.Binding{keys.Continue}
	}
	var b []key.Binding
	if p.canCreate() {
		b = append(b, keys.Create)
	}
	if p.canAccept() {
		b = append(b, keys.Accept)
	}
	if p.asking != nil {
		return p.asking.shortHelp()
	}
	if p.phase == regPolling {
		if !p.reg.CanManage() {
			b = append(b, keys.TenantUser)
		}
		if p.c.demoOperator != nil && !p.reg.CanManage() {
			b = append(b, keys.DemoOperator) // with a tenant user, c and a do it
		}
		b = append(b, keys.CheckNow)
	}
	return append(b, keys.Back)
}
