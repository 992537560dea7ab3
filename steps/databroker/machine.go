package databroker

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// LinkMachine is the one driver of a connector's link with the cloud
// tenant: it looks at the link, decides the next request (the automatic
// subscribe and accept, the cadence, the retries) and carries out the
// operator's commands while it waits. The TUI's link screen, plain mode
// and apply only run it and render its events.
type LinkMachine struct {
	Broker      *Broker
	ConnectorID string
	// Auto creates the data subscription and accepts it (once each) when
	// the broker has a cloud tenant user.
	Auto bool
	// UntilActive stops with LinkDone once the link is active (with a cloud
	// user: once the cloud's virtual group is there), and with LinkFailed
	// after MaxFailedLooks troubled looks in a row or a failed automatic
	// step. Without it the machine follows until ctx ends or the connector
	// is gone.
	UntilActive bool
	// Timeout bounds following (0: no limit).
	Timeout time.Duration
	// Sleep waits between looks (nil: real time, stopping with ctx).
	Sleep func(context.Context, time.Duration) error
	// Watch, when set, is asked after every look (the demo's cloud: what it
	// shows of its operation; soon asks for the next look quickly).
	Watch func(ctx context.Context, code string) (note string, soon bool)
}

// LinkEvent is what the machine tells its renderer.
type LinkEvent interface{ linkEvent() }

type (
	// LinkLooking: a look at the link starts.
	LinkLooking struct{}
	// LinkLooked: one look; Changed when its status or trouble differs from
	// the last shown; the next look is in Next.
	LinkLooked struct {
		Out     LinkOutcome
		Changed bool
		Next    time.Duration
		Watched string // what Watch said
	}
	// LinkRetrying: the Edge could not be asked; the next look is in Next.
	LinkRetrying struct {
		Err  error
		Next time.Duration
	}
	// LinkWarning: the cloud tenant could not be asked; the Edge's side is shown.
	LinkWarning struct{ Err error }
	// LinkActing: a request (Action, see LinkCommand) is under way.
	LinkActing struct{ Action string }
	// LinkActed: the request ended; Note is what a custom command said.
	LinkActed struct {
		Action string
		Note   string
		Err    error
	}
	// LinkDone: the link is active (UntilActive).
	LinkDone struct{ Out LinkOutcome }
	// LinkFailed: following stopped with Err.
	LinkFailed struct {
		Out LinkOutcome
		Err error
	}
)

func (LinkLooking) linkEvent()  {}
func (LinkLooked) linkEvent()   {}
func (LinkRetrying) linkEvent() {}
func (LinkWarning) linkEvent()  {}
func (LinkActing) linkEvent()   {}
func (LinkActed) linkEvent()    {}
func (LinkDone) linkEvent()     {}
func (LinkFailed) linkEvent()   {}

// The operator's commands while the machine waits.
const (
	ActCheckNow  = "check"
	ActSubscribe = "subscribe"
	ActAccept    = "accept"
	ActEnable    = "enable"
	ActSuspend   = "suspend"
	ActResume    = "resume"
)

// LinkCommand is one operator command: Action, or Do (named Action) for
// what the machine does not know (the demo's cloud).
type LinkCommand struct {
	Action string
	Do     func(context.Context) (note string, err error)
}

// commandQueue is how many commands wait for the machine to take them.
const commandQueue = 8

// Start runs the machine in a goroutine: its events come on the returned
// channel (closed when it stops), commands go to send. Cancelling ctx
// stops it; nothing is left running. send returns false once it stopped.
func (m *LinkMachine) Start(ctx context.Context) (events <-chan LinkEvent, send func(LinkCommand) bool) {
	// Commands queue: a sender that also reads the events (a test, a
	// driver without its own goroutine) must not wait for the machine,
	// which may itself be waiting to hand over an event.
	ch, cmds, stopped := make(chan LinkEvent), make(chan LinkCommand, commandQueue), make(chan struct{})
	go func() {
		defer close(ch)
		defer close(stopped)
		_, _ = m.Run(ctx, func(ev LinkEvent) {
			select {
			case ch <- ev:
			case <-ctx.Done():
			}
		}, cmds)
	}()
	send = func(c LinkCommand) bool {
		select {
		case <-stopped:
			return false // not queued where nobody takes it
		default:
		}
		select {
		case cmds <- c:
			return true
		case <-stopped:
			return false
		case <-ctx.Done():
			return false
		}
	}
	return ch, send
}

// Run follows the link in this goroutine, telling emit every event and
// taking commands from cmds (nil: none) while it waits.
func (m *LinkMachine) Run(ctx context.Context, emit func(LinkEvent), cmds <-chan LinkCommand) (LinkOutcome, error) {
	if m.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, m.Timeout)
		defer cancel()
	}
	r := &linkRun{m: m, emit: emit}
	for {
		out, stop, err := r.look(ctx)
		if stop {
			return out, r.fail(ctx, out, err)
		}
		if m.UntilActive && out.Status == LinkActive && (m.Broker.Cloud == nil || out.Group != nil) {
			emit(LinkDone{Out: out})
			return out, nil
		}
		acted, err := r.auto(ctx, out)
		if err != nil {
			return out, r.fail(ctx, out, err)
		}
		if acted && !m.UntilActive {
			continue // the screen shows the step's effect at once
		}
		if err := r.wait(ctx, out.Next, cmds); err != nil {
			return out, r.fail(ctx, out, err)
		}
	}
}

// linkRun is what one run of the machine remembers.
type linkRun struct {
	m                    *LinkMachine
	emit                 func(LinkEvent)
	last, lastTrouble    string
	subscribed, accepted bool
	failed               int
	latest               *LinkOutcome
}

// look looks once and tells it; stop says following ends with err.
func (r *linkRun) look(ctx context.Context) (LinkOutcome, bool, error) {
	r.emit(LinkLooking{})
	out := r.m.Broker.Poll(ctx, r.m.ConnectorID)
	if out.Fatal != nil {
		return out, true, out.Fatal
	}
	ev := LinkLooked{Out: out, Next: out.Next}
	if r.m.Watch != nil {
		var soon bool
		ev.Watched, soon = r.m.Watch(ctx, out.Connector.Code)
		if soon && ev.Next > LinkPollWaiting {
			ev.Next = LinkPollWaiting
		}
		out.Next = ev.Next
		ev.Out.Next = ev.Next
	}
	trouble := out.Trouble()
	if (out.Retrying == nil && out.Status != r.last) || trouble != r.lastTrouble {
		if out.Retrying == nil {
			r.last = out.Status
		}
		r.lastTrouble, ev.Changed = trouble, true
	}
	if out.Retrying == nil {
		r.latest = &out
	}
	r.emit(ev)
	switch {
	case out.Retrying != nil:
		r.emit(LinkRetrying{Err: out.Retrying, Next: out.Next})
	case out.CloudWarning != nil:
		r.emit(LinkWarning{Err: out.CloudWarning})
	}
	r.failed++
	if trouble == "" {
		r.failed = 0
	}
	if r.m.UntilActive && r.failed >= MaxFailedLooks {
		return out, true, fmt.Errorf("%w: %s. The connector is saved on the Edge; run this again (or follow it in B) once the tenant answers", ErrCloudFailing, trouble)
	}
	return out, false, nil
}

// fail ends the run: a timeout names the last status, a cancelled ctx
// ends quietly.
func (r *linkRun) fail(ctx context.Context, out LinkOutcome, err error) error {
	if errors.Is(err, context.DeadlineExceeded) && r.m.Timeout > 0 {
		err = fmt.Errorf("%w (%s): it is %q", ErrLinkTimeout, r.m.Timeout, r.last)
		if r.lastTrouble != "" {
			err = fmt.Errorf("%w (%s): it is %q; the last answer: %s", ErrLinkTimeout, r.m.Timeout, r.last, r.lastTrouble)
		}
	}
	if !errors.Is(err, context.Canceled) || ctx.Err() == nil {
		r.emit(LinkFailed{Out: out, Err: err})
	}
	return err
}

// auto takes the next step in the cloud tenant itself, once each.
func (r *linkRun) auto(ctx context.Context, out LinkOutcome) (bool, error) {
	if !r.m.Auto || r.m.Broker.Cloud == nil || out.Retrying != nil {
		return false, nil
	}
	var act string
	switch {
	case out.Status == LinkNotSubscribed && !r.subscribed:
		r.subscribed, act = true, ActSubscribe
	case out.Status == LinkPending && !r.accepted:
		r.accepted, act = true, ActAccept
	default:
		return false, nil
	}
	err := r.act(ctx, LinkCommand{Action: act})
	if r.m.UntilActive {
		return true, err
	}
	return true, nil // told in LinkActed; following goes on
}

// act carries out one request and tells its start and end.
func (r *linkRun) act(ctx context.Context, c LinkCommand) error {
	b, id := r.m.Broker, r.m.ConnectorID
	var note string
	var err error
	r.emit(LinkActing{Action: c.Action})
	switch {
	case c.Do != nil:
		note, err = c.Do(ctx)
	case c.Action == ActSuspend:
		err = b.Suspend(ctx, id)
	case c.Action == ActResume:
		err = b.Resume(ctx, id)
	case r.latest == nil:
		err = errors.New("the connector was not read yet")
	case c.Action == ActSubscribe:
		err = b.Subscribe(ctx, r.latest.Connector.Code)
	case c.Action == ActAccept:
		err = b.Accept(ctx, r.latest.Connector.Code)
	case c.Action == ActEnable:
		err = b.Enable(ctx, r.latest.Connector)
	default:
		err = fmt.Errorf("unknown command %q", c.Action)
	}
	r.emit(LinkActed{Action: c.Action, Note: note, Err: err})
	return err
}
