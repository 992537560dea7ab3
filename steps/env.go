package steps

import (
	"context"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// Env is what every step gets: the files under the root, the command runner,
// the environment and a way to reach a tenant. main builds one; tests build
// their own with a temp root and tenantsim.
type Env struct {
	Root    string           // "/" on a real Edge; a sandbox directory in tests and the demo
	Props   *edgeprops.Store // the Edge's files under Root
	Runner  *Runner          // every system command goes through it
	Getenv  func(string) string
	Now     func() time.Time
	Version string
	// NewClient makes a tenant client for baseURL (it carries --ca-cert,
	// the User-Agent and the debug trace writer).
	NewClient func(baseURL string) (*tenantapi.Client, error)
	// CACertFile is the extra trusted CA (PEM) from --ca-cert, or "". NewClient
	// already carries it; the connection diagnostics need it for their own
	// TLS handshake.
	CACertFile string
	// EdgeURL is the Edge's own platform API (option 6), default http://localhost:8181.
	EdgeURL string
	// Cadence, when set, replaces DefaultCadence for registration polls
	// (tests and benchmarks use fast or fixed ones).
	Cadence *Cadence
	// Sleep, when set, is the registration's timer (tests drive it by
	// hand); nil waits in real time (clock.Sleep).
	Sleep func(ctx context.Context, d time.Duration) error
	// Memory keeps what one run shares between options (nil: nothing).
	Memory *Memory
	// Executable is the path of the running edge-setup, for the units that
	// start it ("": remoteaccess.PackagedBinary).
	Executable string
}

// Sandboxed reports whether the root is not the real system: commands are
// then planned, not run.
func (e *Env) Sandboxed() bool { return e.Root != "/" && e.Root != "" }

// EnvVar is the environment variable k as this run sees it ("" when unset or no Getenv).
func (e *Env) EnvVar(k string) string {
	if e.Getenv == nil {
		return ""
	}
	return e.Getenv(k)
}

// CurrentTime is the run's clock (Now, or the wall clock).
func (e *Env) CurrentTime() time.Time {
	if e.Now == nil {
		return time.Now()
	}
	return e.Now()
}
