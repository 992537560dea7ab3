package steps

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps/safetext"
)

// ActionLogFile, under the root, is the action log: what edge-setup changed,
// when and with which outcome, one line per event. It never holds a secret.
const ActionLogFile = "var/log/edge-setup.log"

// maxLogDetail bounds the detail of one log line (command output can be long).
const maxLogDetail = 2000

// ActionLog appends to ActionLogFile. Lines look like
//
//	2026-03-01T12:00:00Z option=7 step="Write usr/edge/properties/edge-agent/edge-agent.properties" outcome=done detail="c8y.url=https://acme.cumulocity.com"
//
// (RFC 3339 time in UTC, the option number, the sub-step name, the outcome
// and the detail; values with blanks, quotes or '=' are Go-quoted). The
// outcome is the event kind (done, failed, skipped, planned, info, warning,
// output), an option's result (completed, failed, cancelled) or a
// registration status. The file (mode 0600) and its directory are created on
// the first line, so a run that changes nothing leaves no trace.
//
// A nil *ActionLog logs nothing; every method is safe for concurrent use.
// Writing errors never stop a step: Err reports the first one.
type ActionLog struct {
	path string
	root string
	now  func() time.Time

	mu     sync.Mutex
	redact []string
	err    error
}

// NewActionLog returns the action log of env's root.
func NewActionLog(env *Env) *ActionLog {
	return &ActionLog{path: RootPath(env, "/"+ActionLogFile), root: EnvRoot(env), now: env.CurrentTime}
}

// Path is the log file's path.
func (l *ActionLog) Path() string {
	if l == nil {
		return ""
	}
	return l.path
}

// Redact makes the log replace these values with "****" wherever they
// appear: a second guard for the secrets of a run (events hold none).
// Values shorter than 4 characters are ignored.
func (l *ActionLog) Redact(secrets ...string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range secrets {
		if len(s) >= 4 {
			l.redact = append(l.redact, s)
		}
	}
}

// Err is the first error writing the log, if any.
func (l *ActionLog) Err() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// Record appends one line. step is the option number (0: none).
func (l *ActionLog) Record(step int, name, outcome, detail string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	// Secrets are replaced in the raw values, before quoting or cutting
	// could change how they appear (logValue then makes outside text safe).
	clean := func(v string) string {
		for _, s := range l.redact {
			v = strings.ReplaceAll(v, s, "****")
		}
		return v
	}
	name, outcome, detail = clean(name), clean(outcome), clean(detail)
	if len(detail) > maxLogDetail {
		detail = strings.ToValidUTF8(detail[:maxLogDetail], "") + "..."
	}
	var b strings.Builder
	b.WriteString(l.now().UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, " option=%s step=%s outcome=%s", optionName(step), logValue(name), logValue(outcome))
	if detail != "" {
		b.WriteString(" detail=" + logValue(detail))
	}
	line := b.String()
	for _, s := range l.redact {
		line = strings.ReplaceAll(line, s, "****")
	}
	if err := l.append(line + "\n"); err != nil && l.err == nil {
		l.err = err
	}
}

func (l *ActionLog) append(line string) error {
	f, err := edgeprops.OpenAppendUnder(l.root, l.path, 0o600)
	if err != nil {
		return fmt.Errorf("cannot open the action log: %w", err)
	}
	if _, err := f.WriteString(line); err != nil {
		f.Close()
		return fmt.Errorf("cannot write the action log %s: %w", l.path, err)
	}
	return f.Close()
}

// logValue quotes v when it is empty or holds blanks, quotes or '='.
func logValue(v string) string {
	if v == "" || strings.ContainsAny(v, " \t\r\n\"=\\") || !strconv.CanBackquote(v) || !safetext.Safe(v) {
		// Quote escapes every control, format (bidi) and invalid byte
		return strconv.Quote(v)
	}
	return v
}

// Wrap returns an Emit that logs every event of option step (all but
// SubStepStarted, which the done or failed line follows) and then passes it
// to emit (which may be nil).
func (l *ActionLog) Wrap(step int, emit Emit) Emit {
	return func(e Event) {
		if e.Kind != SubStepStarted && e.Kind != Waiting { // what was done, not what is awaited
			l.Record(step, e.Name, e.Kind.String(), e.Detail)
		}
		if emit != nil {
			emit(e)
		}
	}
}

// Finished logs the result of a whole option: completed, cancelled or
// failed with the reason.
func (l *ActionLog) Finished(step int, err error) {
	switch {
	case err == nil:
		l.Record(step, "", "completed", "")
	case err == ErrCancelled:
		l.Record(step, "", "cancelled", "")
	default:
		l.Record(step, "", "failed", err.Error())
	}
}

// LogRegistration logs a status the registration of option 7 reached
// (StatusPending, StatusConnected, ...).
func (l *ActionLog) LogRegistration(status string) {
	l.Record(7, "Registration", status, "")
}

// optionName is the option as the menu names it (S, B for the lettered ones).
func optionName(n int) string { return OptionName(n) }
