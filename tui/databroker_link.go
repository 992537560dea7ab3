package tui

import (
	"context"
	"errors"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/edge-setup/edge-setup/steps/databroker"
	"github.com/edge-setup/edge-setup/steps/timeline"
)

// linkPage follows one connector's link with the cloud tenant on the same
// timeline as the device registration: with a cloud tenant user it
// creates the data subscription and accepts it once the Edge connects
// (auto, after the operator confirmed the new connector; otherwise keys c
// and a); without one it shows the security code and the cloud admin's
// steps. Once active it shows the cloud's virtual group and the
// measurements that arrived in the last minute.
type linkPage struct {
	c      *common
	id     int64
	broker *databroker.Broker
	connID string
	auto   bool

	ctx    context.Context
	cancel context.CancelFunc

	timeline  timeline.Timeline
	out       *databroker.LinkOutcome
	seq       int
	checking  bool
	nextAt    time.Time
	fatal     string
	action    string // "subscribe", "accept", "enable", "suspend", "resume"
	actionErr string
	triedSub  bool   // auto: subscribe once
	triedAcc  bool   // auto: accept once
	demoNote  string // what the demo's cloud did (o)
	demoSeen  string // what the demo's cloud shows of its operation

	spinner spinner.Model
}

type (
	linkPollMsg struct {
		page        int64
		seq         int
		out         databroker.LinkOutcome
		demoSeen    string
		demoRunning bool // the demo's operation is not finished: look again soon
	}
	linkDemoMsg struct {
		page int64
		note string
		err  error
	}
	linkTickMsg struct {
		page int64
		seq  int
	}
	linkActionMsg struct {
		page int64
		err  error
	}
)

func newLinkPage(c *common, b *databroker.Broker, connID string, auto bool) *linkPage {
	ctx, cancel := context.WithCancel(context.Background())
	p := &linkPage{c: c, id: nextPageID(), broker: b, connID: connID, auto: auto, ctx: ctx, cancel: cancel}
	p.spinner = spinner.New(spinner.WithSpinner(waitSpinner))
	return p
}

func (p *linkPage) Init() tea.Cmd { return tea.Batch(p.spinner.Tick, p.poll()) }

func (p *linkPage) poll() tea.Cmd {
	p.seq++
	p.checking = true
	ctx, b, id, seq, conn, demo := p.ctx, p.broker, p.id, p.seq, p.connID, p.c.demoCloud
	return func() tea.Msg {
		msg := linkPollMsg{page: id, seq: seq, out: b.Poll(ctx, conn)}
		if demo != nil {
			msg.demoSeen, msg.demoRunning = demo.Seen(msg.out.Connector.Code)
		}
		return msg
	}
}

func (p *linkPage) Update(msg tea.Msg) (page, tea.Cmd) {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		var cmd tea.Cmd
		p.spinner, cmd = p.spinner.Update(msg)
		return p, cmd
	case linkPollMsg:
		if msg.page == p.id && msg.seq == p.seq {
			p.demoSeen = msg.demoSeen
			if msg.demoRunning && msg.out.Next > databroker.LinkPollWaiting {
				msg.out.Next = databroker.LinkPollWaiting
			}
			return p, p.onPoll(msg.out)
		}
	case linkDemoMsg:
		if msg.page != p.id {
			return p, nil
		}
		p.action, p.actionErr, p.demoNote = "", "", msg.note
		if msg.err != nil {
			p.actionErr, p.demoNote = msg.err.Error(), ""
		}
		return p, p.poll()
	case linkTickMsg:
		if msg.page == p.id && msg.seq == p.seq && p.ctx.Err() == nil && p.fatal == "" {
			return p, p.poll()
		}
	case linkActionMsg:
		if msg.page != p.id {
			return p, nil
		}
		p.action = ""
		p.actionErr = ""
		if msg.err != nil {
			p.actionErr = msg.err.Error()
		}
		return p, p.poll()
	case tea.KeyPressMsg:
		return p, p.onKey(msg)
	}
	return p, nil
}

func (p *linkPage) onPoll(out databroker.LinkOutcome) tea.Cmd {
	p.checking = false
	if out.Fatal != nil {
		if !errors.Is(out.Fatal, context.Canceled) {
			p.fatal = out.Fatal.Error()
		}
		return nil
	}
	if out.Retrying == nil {
		p.out = &out
		if out.Status == databroker.LinkActive && waitingStatus(p.timeline.Current()) && p.timeline.Current() != databroker.LinkAccepted {
			// The Edge took the acceptance up between two looks: it was accepted.
			p.timeline.Observe(databroker.LinkAccepted, p.c.now())
		}
		p.timeline.Observe(out.Status, p.c.now())
	} else if p.out != nil {
		p.out.Retrying = out.Retrying
	} else {
		p.out = &out
	}
	cmds := []tea.Cmd{p.schedule(out.Next)}
	if p.auto && p.action == "" && out.Retrying == nil {
		switch {
		case out.Status == databroker.LinkNotSubscribed && !p.triedSub:
			p.triedSub = true
			cmds = append(cmds, p.act("subscribe", func(ctx context.Context) error { return p.broker.Subscribe(ctx, out.Connector.Code) }))
		case out.Status == databroker.LinkPending && !p.triedAcc:
			p.triedAcc = true
			cmds = append(cmds, p.act("accept", func(ctx context.Context) error { return p.broker.Accept(ctx, out.Connector.Code) }))
		}
	}
	return tea.Batch(cmds...)
}

func (p *linkPage) schedule(d time.Duration) tea.Cmd {
	if d <= 0 {
		d = databroker.LinkPollWaiting
	}
	p.nextAt = p.c.now().Add(d)
	id, seq := p.id, p.seq
	return tea.Tick(d, func(time.Time) tea.Msg { return linkTickMsg{page: id, seq: seq} })
}

func (p *linkPage) act(name string, fn func(context.Context) error) tea.Cmd {
	p.action, p.actionErr = name, ""
	ctx, id := p.ctx, p.id
	return func() tea.Msg { return linkActionMsg{page: id, err: fn(ctx)} }
}

func (p *linkPage) status() string {
	if p.out == nil {
		return ""
	}
	return p.out.Status
}

func (p *linkPage) canSubscribe() bool {
	return p.broker.Cloud != nil && p.status() == databroker.LinkNotSubscribed
}
func (p *linkPage) canAccept() bool {
	return p.broker.Cloud != nil && p.status() == databroker.LinkPending
}
func (p *linkPage) canEnable() bool {
	return p.broker.Cloud != nil && p.status() == databroker.LinkDisabled
}

func (p *linkPage) onKey(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, keys.Back):
		return func() tea.Msg { return openBrokerMsg{} }
	case p.fatal != "" || p.action != "" || p.out == nil:
	case key.Matches(k, brokerKeys.DemoCloud) && p.c.demoCloud != nil:
		p.action, p.actionErr = "demo", ""
		ctx, id, demo, code := p.ctx, p.id, p.c.demoCloud, p.out.Connector.Code
		return func() tea.Msg {
			note, err := demo.Act(ctx, code)
			return linkDemoMsg{page: id, note: note, err: err}
		}
	case key.Matches(k, keys.CheckNow):
		if !p.checking {
			return p.poll()
		}
	case key.Matches(k, keys.Create) && p.canSubscribe():
		code := p.out.Connector.Code
		return p.act("subscribe", func(ctx context.Context) error { return p.broker.Subscribe(ctx, code) })
	case key.Matches(k, keys.Accept) && p.canAccept():
		code := p.out.Connector.Code
		return p.act("accept", func(ctx context.Context) error { return p.broker.Accept(ctx, code) })
	case key.Matches(k, keys.Enable) && p.canEnable():
		c := p.out.Connector
		return p.act("enable", func(ctx context.Context) error { return p.broker.Enable(ctx, c) })
	case key.Matches(k, keys.Suspend):
		id := p.connID
		if p.status() == databroker.LinkSuspended {
			return p.act("resume", func(ctx context.Context) error { return p.broker.Resume(ctx, id) })
		}
		return p.act("suspend", func(ctx context.Context) error { return p.broker.Suspend(ctx, id) })
	}
	return nil
}

func (p *linkPage) Busy() bool { return false }
func (p *linkPage) Close()     { p.cancel() }

func (p *linkPage) ShortHelp() []key.Binding {
	if p.fatal != "" {
		return []key.Binding{brokerKeys.Connectors}
	}
	var b []key.Binding
	if p.canSubscribe() {
		b = append(b, key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "subscribe in the cloud")))
	}
	if p.canAccept() {
		b = append(b, keys.Accept)
	}
	if p.canEnable() {
		b = append(b, keys.Enable)
	}
	if p.c.demoCloud != nil {
		b = append(b, brokerKeys.DemoCloud)
	}
	suspend := brokerKeys.Suspend
	if p.status() == databroker.LinkSuspended {
		suspend = brokerKeys.Resume
	}
	return append(b, suspend, brokerKeys.Connectors, keys.CheckNow)
}
