package tui

import (
	"context"
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

	// The machine runs while the page is open: ctx is made when it starts
	// (in Update) and cancelled by Close.
	ctx    context.Context
	cancel context.CancelFunc
	closed bool
	events <-chan databroker.LinkEvent
	send   func(databroker.LinkCommand) bool

	timeline  timeline.Timeline
	out       *databroker.LinkOutcome
	checking  bool
	nextAt    time.Time
	fatal     string
	action    string // a databroker.Act* or actDemo while it runs
	actionErr string
	demoNote  string // what the demo's cloud did (o)
	demoSeen  string // what the demo's cloud shows of its operation

	spinner spinner.Model
}

// actDemo is the demo's cloud acting (o).
const actDemo = "demo"

type (
	linkStartMsg struct{ page int64 }
	linkEventMsg struct {
		page int64
		ev   databroker.LinkEvent
	}
)

func newLinkPage(c *common, b *databroker.Broker, connID string, auto bool) *linkPage {
	p := &linkPage{c: c, id: nextPageID(), broker: b, connID: connID, auto: auto}
	p.spinner = spinner.New(spinner.WithSpinner(waitSpinner))
	return p
}

func (p *linkPage) Init() tea.Cmd {
	id := p.id
	return tea.Batch(p.spinner.Tick, func() tea.Msg { return linkStartMsg{page: id} })
}

// start runs the link machine; the page renders its events.
func (p *linkPage) start() tea.Cmd {
	if p.closed || p.events != nil {
		return nil
	}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	m := &databroker.LinkMachine{Broker: p.broker, ConnectorID: p.connID, Auto: p.auto}
	if demo := p.c.demoCloud; demo != nil {
		m.Watch = func(_ context.Context, code string) (string, bool) { return demo.Seen(code) }
	}
	p.events, p.send = m.Start(p.ctx)
	p.checking = true
	return p.listen()
}

// listen waits for the machine's next event.
func (p *linkPage) listen() tea.Cmd {
	ch, id := p.events, p.id
	return func() tea.Msg {
		ev, ok := <-ch
		if !ok {
			return nil
		}
		return linkEventMsg{page: id, ev: ev}
	}
}

// command hands the operator's command to the machine.
func (p *linkPage) command(c databroker.LinkCommand) tea.Cmd {
	if c.Action == databroker.ActCheckNow {
		p.checking = true
	} else {
		p.action, p.actionErr = c.Action, ""
	}
	send := p.send
	return func() tea.Msg { send(c); return nil }
}

func (p *linkPage) Update(msg tea.Msg) (page, tea.Cmd) {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		var cmd tea.Cmd
		p.spinner, cmd = p.spinner.Update(msg)
		return p, cmd
	case linkStartMsg:
		if msg.page == p.id {
			return p, p.start()
		}
	case linkEventMsg:
		if msg.page == p.id {
			p.onEvent(msg.ev)
			return p, p.listen()
		}
	case tea.KeyPressMsg:
		return p, p.onKey(msg)
	}
	return p, nil
}

func (p *linkPage) onEvent(ev databroker.LinkEvent) {
	switch ev := ev.(type) {
	case databroker.LinkLooking:
		p.checking = true
	case databroker.LinkLooked:
		p.onLook(ev)
	case databroker.LinkActing:
		p.action, p.actionErr = ev.Action, ""
	case databroker.LinkActed:
		p.action, p.actionErr = "", ""
		if ev.Action == actDemo {
			p.demoNote = ev.Note
		}
		if ev.Err != nil {
			p.actionErr = ev.Err.Error()
			if ev.Action == actDemo {
				p.demoNote = ""
			}
		}
	case databroker.LinkFailed:
		p.checking, p.fatal = false, ev.Err.Error()
	}
}

func (p *linkPage) onLook(ev databroker.LinkLooked) {
	out := ev.Out
	p.checking = false
	if p.c.demoCloud != nil {
		p.demoSeen = ev.Watched
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
	next := ev.Next
	if next <= 0 {
		next = databroker.LinkPollWaiting
	}
	p.nextAt = p.c.now().Add(next)
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
	case p.fatal != "" || p.action != "" || p.out == nil || p.send == nil:
	case key.Matches(k, brokerKeys.DemoCloud) && p.c.demoCloud != nil:
		demo, code := p.c.demoCloud, p.out.Connector.Code
		return p.command(databroker.LinkCommand{Action: actDemo, Do: func(ctx context.Context) (string, error) { return demo.Act(ctx, code) }})
	case key.Matches(k, keys.CheckNow):
		if !p.checking {
			return p.command(databroker.LinkCommand{Action: databroker.ActCheckNow})
		}
	case key.Matches(k, keys.Create) && p.canSubscribe():
		return p.command(databroker.LinkCommand{Action: databroker.ActSubscribe})
	case key.Matches(k, keys.Accept) && p.canAccept():
		return p.command(databroker.LinkCommand{Action: databroker.ActAccept})
	case key.Matches(k, keys.Enable) && p.canEnable():
		return p.command(databroker.LinkCommand{Action: databroker.ActEnable})
	case key.Matches(k, keys.Suspend):
		if p.status() == databroker.LinkSuspended {
			return p.command(databroker.LinkCommand{Action: databroker.ActResume})
		}
		return p.command(databroker.LinkCommand{Action: databroker.ActSuspend})
	}
	return nil
}

func (p *linkPage) Busy() bool { return false }
func (p *linkPage) Close() {
	p.closed = true
	if p.cancel != nil {
		p.cancel()
	}
}

// ShortHelp puts the way out and suspend first: a narrow footer drops the
// last keys (? lists them all).
func (p *linkPage) ShortHelp() []key.Binding {
	if p.fatal != "" {
		return []key.Binding{brokerKeys.Connectors}
	}
	suspend := brokerKeys.Suspend
	if p.status() == databroker.LinkSuspended {
		suspend = brokerKeys.Resume
	}
	b := []key.Binding{brokerKeys.Connectors, suspend}
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
	return append(b, keys.CheckNow)
}
