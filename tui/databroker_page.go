package tui

import (
	"context"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/edge-setup/edge-setup/steps/databroker"
	"github.com/edge-setup/edge-setup/steps/options"
	wire "github.com/edge-setup/edge-setup/tenantapi/databroker"
)

// brokerPage is menu entry B: the Edge's connectors with their state and
// alarms; n creates one, enter follows its link, s suspends or resumes,
// x deletes (after a confirmation saying what stops). It rereads the
// connectors every brokerRefresh.
type brokerPage struct {
	c      *common
	id     int64
	notice string

	ctx    context.Context
	cancel context.CancelFunc

	broker    *databroker.Broker
	unavail   string // B cannot be used now: why
	overview  *databroker.Overview
	loadErr   string
	loading   bool
	seq       int
	cursor    int
	confirm   *wire.Connector // delete asked, awaiting y/n
	action    string          // "suspend", "resume", "delete" in flight
	actionErr string

	spinner spinner.Model
}

// brokerRefresh: the list follows state changes and alarms.
const brokerRefresh = 5 * time.Second

type (
	openBrokerMsg struct{ notice string }
	openLinkMsg   struct {
		broker      *databroker.Broker
		connectorID string
		auto        bool // create and accept the subscription in the cloud by itself
	}
	brokerReadyMsg struct {
		page   int64
		broker *databroker.Broker
		err    error
	}
	brokerListMsg struct {
		page int64
		seq  int
		ov   *databroker.Overview
		err  error
	}
	brokerTickMsg struct {
		page int64
		seq  int
	}
	brokerActionMsg struct {
		page int64
		err  error
		done string
	}
)

func newBrokerPage(c *common, notice string) *brokerPage {
	ctx, cancel := context.WithCancel(context.Background())
	p := &brokerPage{c: c, id: nextPageID(), notice: notice, ctx: ctx, cancel: cancel, loading: true}
	p.spinner = spinner.New(spinner.WithSpinner(waitSpinner))
	return p
}

func (p *brokerPage) Init() tea.Cmd {
	env, id := p.c.env, p.id
	return tea.Batch(p.spinner.Tick, func() tea.Msg {
		if err := (options.DataBroker{}).Available(env); err != nil {
			return brokerReadyMsg{page: id, err: err}
		}
		b, err := options.NewDataBroker(env, nil)
		return brokerReadyMsg{page: id, broker: b, err: err}
	})
}

func (p *brokerPage) load() tea.Cmd {
	p.seq++
	p.loading = true
	ctx, b, id, seq := p.ctx, p.broker, p.id, p.seq
	return func() tea.Msg {
		ov, err := b.Overview(ctx)
		return brokerListMsg{page: id, seq: seq, ov: ov, err: err}
	}
}

func (p *brokerPage) Update(msg tea.Msg) (page, tea.Cmd) {
	switch msg := msg.(type) {
	case spinner.TickMsg:
		var cmd tea.Cmd
		p.spinner, cmd = p.spinner.Update(msg)
		return p, cmd
	case brokerReadyMsg:
		if msg.page != p.id {
			return p, nil
		}
		if msg.err != nil {
			p.loading, p.unavail = false, msg.err.Error()
			return p, nil
		}
		p.broker = msg.broker
		return p, p.load()
	case brokerListMsg:
		if msg.page != p.id || msg.seq != p.seq {
			return p, nil
		}
		p.loading = false
		if msg.err != nil {
			p.loadErr = msg.err.Error()
		} else {
			p.loadErr, p.overview = "", msg.ov
			p.cursor = min(p.cursor, max(len(msg.ov.Connectors)-1, 0))
		}
		id, seq := p.id, p.seq
		return p, tea.Tick(brokerRefresh, func(time.Time) tea.Msg { return brokerTickMsg{page: id, seq: seq} })
	case brokerTickMsg:
		if msg.page == p.id && msg.seq == p.seq && p.ctx.Err() == nil {
			return p, p.load()
		}
	case brokerActionMsg:
		if msg.page != p.id {
			return p, nil
		}
		p.action = ""
		if msg.err != nil {
			p.actionErr = msg.err.Error()
		} else {
			p.actionErr, p.notice = "", msg.done
		}
		return p, p.load()
	case tea.KeyPressMsg:
		return p, p.onKey(msg)
	}
	return p, nil
}

func (p *brokerPage) selected() *wire.Connector {
	if p.overview == nil || p.cursor >= len(p.overview.Connectors) {
		return nil
	}
	c := p.overview.Connectors[p.cursor].Connector
	return &c
}

func (p *brokerPage) onKey(k tea.KeyPressMsg) tea.Cmd {
	if p.confirm != nil {
		c := *p.confirm
		switch {
		case key.Matches(k, keys.Proceed):
			p.confirm = nil
			return p.act("delete", "Connector "+c.Name+" deleted: the Edge no longer shares data with "+c.InstanceURL+".",
				func(ctx context.Context) error { return p.broker.Delete(ctx, c.ID) })
		case key.Matches(k, keys.Decline):
			p.confirm = nil
		}
		return nil
	}
	switch {
	case key.Matches(k, keys.Back):
		return gotoMenu("")
	case p.broker == nil || p.action != "":
	case key.Matches(k, keys.Up):
		p.cursor = max(p.cursor-1, 0)
	case key.Matches(k, keys.Down):
		if p.overview != nil {
			p.cursor = min(p.cursor+1, max(len(p.overview.Connectors)-1, 0))
		}
	case key.Matches(k, keys.Refresh):
		return p.load()
	case key.Matches(k, brokerKeys.New):
		step := options.DataBrokerConnector{}
		title := step.Title(p.c.env)
		return func() tea.Msg { return openStepMsg{step: step, title: title} }
	case p.selected() == nil:
	case key.Matches(k, brokerKeys.Edit):
		step := options.DataBrokerEdit{Connector: *p.selected()}
		title := step.Title(p.c.env)
		return func() tea.Msg { return openStepMsg{step: step, title: title} }
	case key.Matches(k, brokerKeys.Link):
		b, id := p.broker, p.selected().ID
		return func() tea.Msg { return openLinkMsg{broker: b, connectorID: id, auto: false} }
	case key.Matches(k, keys.Suspend):
		c := *p.selected()
		if c.Status == wire.StatusSuspended {
			return p.act("resume", "Connector "+c.Name+" resumed.", func(ctx context.Context) error { return p.broker.Resume(ctx, c.ID) })
		}
		return p.act("suspend", "Connector "+c.Name+" suspended: nothing is forwarded until you resume it (s).",
			func(ctx context.Context) error { return p.broker.Suspend(ctx, c.ID) })
	case key.Matches(k, keys.DeleteConnector):
		p.confirm = p.selected()
	}
	return nil
}

func (p *brokerPage) act(name, done string, fn func(context.Context) error) tea.Cmd {
	p.action, p.actionErr, p.notice = name, "", ""
	ctx, id := p.ctx, p.id
	return func() tea.Msg { return brokerActionMsg{page: id, err: fn(ctx), done: done} }
}

func (p *brokerPage) Busy() bool { return false }
func (p *brokerPage) Close()     { p.cancel() }

func (p *brokerPage) ShortHelp() []key.Binding {
	if p.confirm != nil {
		return []key.Binding{keys.Proceed, keys.Decline}
	}
	if p.broker == nil {
		return []key.Binding{keys.Back}
	}
	// Most used first: the footer drops keys from the end when narrow.
	c := p.selected()
	if c == nil {
		return []key.Binding{brokerKeys.New, brokerKeys.Menu, keys.Refresh}
	}
	suspend := brokerKeys.Suspend
	if c.Status == wire.StatusSuspended {
		suspend = brokerKeys.Resume
	}
	return []key.Binding{brokerKeys.Link, suspend, brokerKeys.Delete, brokerKeys.Edit, brokerKeys.New, brokerKeys.Menu, keys.Refresh, keys.Up, keys.Down}
}
