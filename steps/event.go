package steps

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// EventKind says what an Event reports.
type EventKind int

const (
	// SubStepStarted: a named sub-step begins.
	SubStepStarted EventKind = iota
	// SubStepDone: the named sub-step finished successfully; Detail may add a result.
	SubStepDone
	// SubStepFailed: the named sub-step failed; Detail says why and what to do.
	SubStepFailed
	// SubStepSkipped: the sub-step was not needed; Detail says why.
	SubStepSkipped
	// Info is a message for the operator (what was disabled, what to do next).
	Info
	// Warning is something the operator should read but that does not stop the step.
	Warning
	// Planned reports a command that was not executed because the root is a
	// sandbox; Detail is the command line.
	Planned
	// Output carries command output worth showing (on failure, usually).
	Output
	// Waiting: the running sub-step waits for something outside (Detail
	// says what, "waiting for the tenant to open the SSH session") and
	// gives up at Until; front ends show the seconds left, redrawn each
	// second, until the sub-step ends or the next Waiting replaces it.
	Waiting
)

func (k EventKind) String() string {
	switch k {
	case SubStepStarted:
		return "started"
	case SubStepDone:
		return "done"
	case SubStepFailed:
		return "failed"
	case SubStepSkipped:
		return "skipped"
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Planned:
		return "planned"
	case Output:
		return "output"
	case Waiting:
		return "waiting"
	}
	return "unknown"
}

// Event is one report from a running step. It never holds a secret.
type Event struct {
	Kind   EventKind
	Name   string // sub-step name, e.g. "Write edge-agent.properties"
	Detail string
	Action Action // what the sub-step did (set by the Tracker from Name)
	// Until is when a Waiting event's wait gives up, by Env.Now's clock.
	Until time.Time
}

// SecondsLeft is the whole seconds from now until a Waiting event's wait
// gives up (rounded up, never below 0): what the front ends count down.
func (e Event) SecondsLeft(now time.Time) int {
	d := e.Until.Sub(now)
	if d <= 0 {
		return 0
	}
	return int((d + time.Second - 1) / time.Second)
}

// Emit receives events from Step.Run. It must be safe to call from the
// step's goroutine; front ends forward events to their screen.
type Emit func(Event)

// Tracker turns a sequence of named sub-steps into events.
type Tracker struct {
	emit Emit
	ctx  context.Context // nil: never interrupted
}

// NewTracker wraps emit; a nil emit discards events.
func NewTracker(emit Emit) *Tracker {
	if emit == nil {
		emit = func(Event) {}
	}
	return &Tracker{emit: func(e Event) {
		if e.Name != "" && e.Action == ActionOther {
			e.Action = actionOf(e.Name)
		}
		emit(e)
	}}
}

// NewTrackerContext is NewTracker for a step that stops between sub-steps
// once ctx is done (Ctrl+C, SIGTERM): the next Do does not start and
// returns an error wrapping ErrInterrupted and ctx's error, so the step
// fails there and restores what it wrote, leaving every file whole.
func NewTrackerContext(ctx context.Context, emit Emit) *Tracker {
	t := NewTracker(emit)
	t.ctx = ctx
	return t
}

// ErrInterrupted: a signal stopped a step between two sub-steps.
var ErrInterrupted = errors.New("interrupted")

// Do runs fn as the sub-step name, emitting started and done/failed.
func (t *Tracker) Do(name string, fn func() (detail string, err error)) error {
	if t.ctx != nil && t.ctx.Err() != nil {
		err := fmt.Errorf("%w before %q (%w)", ErrInterrupted, name, context.Cause(t.ctx))
		t.emit(Event{Kind: SubStepSkipped, Name: name, Detail: "not started: interrupted"})
		return err
	}
	t.emit(Event{Kind: SubStepStarted, Name: name})
	detail, err := fn()
	if err != nil {
		t.emit(Event{Kind: SubStepFailed, Name: name, Detail: err.Error()})
		return err
	}
	t.emit(Event{Kind: SubStepDone, Name: name, Detail: detail})
	return nil
}

// Skip reports a sub-step that was not needed.
func (t *Tracker) Skip(name, why string) {
	t.emit(Event{Kind: SubStepSkipped, Name: name, Detail: why})
}

// Info reports a message.
func (t *Tracker) Info(msg string) { t.emit(Event{Kind: Info, Detail: msg}) }

// Warn reports a warning.
func (t *Tracker) Warn(msg string) { t.emit(Event{Kind: Warning, Detail: msg}) }

// Emit forwards a raw event.
func (t *Tracker) Emit(e Event) { t.emit(e) }
