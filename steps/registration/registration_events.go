package registration

import (
	"context"
	"time"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// RegAction is something the operator (or the auto policy) asks of a
// waiting registration: a command, and the action named in the events
// that report it.
type RegAction int

const (
	// RegCheckNow polls at once instead of at the next cadence tick.
	RegCheckNow RegAction = iota + 1
	// RegCreate creates the registration request (needs a tenant user).
	RegCreate
	// RegAccept accepts the pending request (needs a tenant user).
	RegAccept
	// RegUseTenantUser gives the registration the tenant user of
	// RegCommand.Answers (TenantUserPrompt's answers).
	RegUseTenantUser
	// RegRegisterAgain deletes a lost request and creates it again.
	RegRegisterAgain
	// RegOperator runs RegCommand.Operator, someone acting in the tenant
	// (the demo's tenant operator), then polls.
	RegOperator
	// RegGiveUp ends a lost registration instead of registering it again.
	RegGiveUp
)

// RegCommand is an operator's command to RegistrationMachine.Run. The
// machine takes commands only between two requests to the tenant, so a
// command never changes the registration under a request in flight.
type RegCommand struct {
	Action   RegAction
	Answers  steps.Answers // RegUseTenantUser
	Operator func(ctx context.Context, deviceID string) (note string, err error)
}

// RegEvent is what the registration machine reports; front ends draw or
// print it and decide nothing.
type RegEvent interface{ regEvent() }

type (
	// RegResumed: an earlier registration of this device continues from
	// where it was (sent first, before the stored credentials are checked).
	RegResumed struct {
		Started  time.Time
		Timeline Timeline
	}
	// RegChecking: a request to the tenant starts: proving the stored
	// credentials (Stored) or asking for new ones (a poll).
	RegChecking struct{ Stored bool }
	// RegStatusChanged: the registration reached a new status.
	RegStatusChanged struct {
		Status   string
		Timeline Timeline
	}
	// RegPolled: a poll said "not yet"; the next one is after Next.
	RegPolled struct {
		Status        string
		RequestExists bool // known only with a tenant user
		Next          time.Duration
	}
	// RegRetrying: a transient failure; the next try is after Next.
	RegRetrying struct {
		Err  error
		Next time.Duration
	}
	// RegWarning: the stored credentials cannot be used (registering
	// again), or issued credentials were lost and are registered again.
	RegWarning struct{ Err error }
	// RegTenantWarning: a problem with the tenant user's view only; the
	// device keeps polling.
	RegTenantWarning struct{ Err error }
	// RegActionStarted, RegActionDone and RegActionFailed report a command
	// or an action of the auto policy.
	RegActionStarted struct{ Action RegAction }
	RegActionDone    struct {
		Action RegAction
		Note   string // what RegOperator did
		// TenantUser is the user RegUseTenantUser gave (its String hides
		// the password); nil for other actions.
		TenantUser *tenantapi.Credentials
	}
	RegActionFailed struct {
		Action RegAction
		Err    error
	}
	// RegCredentialsReceived: the tenant issued the device credentials;
	// they are being stored and proved.
	RegCredentialsReceived struct{}
	// RegConnection: the Edge is registered and connected (the end).
	RegConnection struct{ Conn *Connection }
	// RegFailed: the registration stopped. With CanRegisterAgain (the
	// credentials were lost, a tenant user is known) the machine waits for
	// RegRegisterAgain or RegGiveUp.
	RegFailed struct {
		Err              error
		CanRegisterAgain bool
	}
)

func (RegResumed) regEvent()             {}
func (RegChecking) regEvent()            {}
func (RegStatusChanged) regEvent()       {}
func (RegPolled) regEvent()              {}
func (RegRetrying) regEvent()            {}
func (RegWarning) regEvent()             {}
func (RegTenantWarning) regEvent()       {}
func (RegActionStarted) regEvent()       {}
func (RegActionDone) regEvent()          {}
func (RegActionFailed) regEvent()        {}
func (RegCredentialsReceived) regEvent() {}
func (RegConnection) regEvent()          {}
func (RegFailed) regEvent()              {}

// RegAuto is the auto policy of plain mode, `register --create --accept`
// and `apply`: act as the tenant user without being asked.
type RegAuto struct {
	Create bool // create the request when the tenant says "Not registered"
	Accept bool // accept it when it is "Pending acceptance"
	// RegisterAgain deletes and creates a lost request again by itself.
	RegisterAgain bool
}
