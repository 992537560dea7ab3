package remoteaccess

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/edge-setup/edge-setup/steps/safetext"
	"github.com/edge-setup/edge-setup/tenantapi"
	wire "github.com/edge-setup/edge-setup/tenantapi/remoteaccess"
)

// Broken names the link of the chain that failed, with the fix.
type Broken struct {
	Link   string // "service not subscribed", "role missing", "relay not running", "sshd down", ...
	Detail string
	Fix    string
	Err    error
}

func (b *Broken) Error() string {
	s := b.Link + ": " + b.Detail
	if b.Fix != "" {
		s += "; " + b.Fix
	}
	return s
}

func (b *Broken) Unwrap() error { return b.Err }

// Links Broken names.
const (
	LinkNotSubscribed = "service not subscribed"
	LinkRoleMissing   = "role missing"
	LinkRelayDown     = "relay not running"
	LinkSSHDown       = "sshd down"
	LinkDeviceSocket  = "device cannot attach"
	LinkProxy         = "proxy"
	LinkTLS           = "TLS"
	LinkWrongHostKey  = "wrong host key"
	LinkNotSSH        = "not an SSH server"
	LinkEndpoint      = "endpoint missing"
	LinkTenant        = "tenant unreachable"
	LinkNotAllowed    = "not allowed on this Edge"
	LinkWebTerminal   = "web terminal login refused"
	LinkRelayMissing  = "relay not installed"
)

func oneLine(err error) string {
	if err == nil {
		return "no error"
	}
	return safetext.Line(tenantapi.Explain(err))
}

// dialBroken names the failure of opening the client WebSocket.
func dialBroken(ctx context.Context, o ProveOptions, err error) error {
	var de *wire.DialError
	switch {
	case errors.Is(err, tenantapi.ErrForbidden):
		return &Broken{Link: LinkRoleMissing, Err: err, Detail: "the tenant refused the session for " + o.User.Login() + " (403)",
			Fix: "give the user ROLE_REMOTE_ACCESS_ADMIN (Administration > Roles; nobody has it by default)"}
	case errors.Is(err, tenantapi.ErrNotFound):
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if herr := o.Client.RemoteAccessHealth(hctx, o.User); errors.Is(herr, tenantapi.ErrNotFound) {
			return NotSubscribed(err)
		}
		return &Broken{Link: LinkEndpoint, Err: err, Detail: "the tenant knows no endpoint " + o.ConfigID + " on device " + o.MOID,
			Fix: "run S again to create the endpoints"}
	case errors.Is(err, tenantapi.ErrUnauthorized):
		return &Broken{Link: LinkTenant, Err: err, Detail: "the tenant refused the login of " + o.User.Login() + " (401)",
			Fix: "check the tenant user and password"}
	case errors.As(err, &de) && isProxyError(err):
		return &Broken{Link: LinkProxy, Err: err, Detail: oneLine(err), Fix: "check HTTPS_PROXY/NO_PROXY: the proxy must allow WebSockets (CONNECT) to the tenant"}
	case isTLSError(err):
		return &Broken{Link: LinkTLS, Err: err, Detail: oneLine(err), Fix: "a proxy that inspects TLS breaks the session: pass its CA with --ca-cert or exempt the tenant from inspection"}
	}
	return &Broken{Link: LinkTenant, Err: err, Detail: oneLine(err), Fix: "run d (diagnose) to check the way to the tenant"}
}

// NotSubscribed is the failure of a tenant without the service.
func NotSubscribed(err error) *Broken {
	return &Broken{Link: LinkNotSubscribed, Err: err, Detail: "the tenant has no Cloud Remote Access service (404 on /service/remoteaccess)",
		Fix: "subscribe the tenant to the Cloud Remote Access microservice (Administration > Ecosystem > Microservices, or ask your platform operator)"}
}

func isProxyError(err error) bool {
	s := err.Error()
	return strings.Contains(s, "proxyconnect") || strings.Contains(s, "proxy")
}

func isTLSError(err error) bool {
	s := tenantapi.Explain(err)
	return strings.Contains(s, "TLS") || strings.Contains(s, "certificate")
}

// afterSilence names why no byte came through: what the operation says.
func afterSilence(o ProveOptions, err error) error {
	ctx, cancel := context.WithTimeout(context.Background(), operationReadBound)
	defer cancel()
	ops, lerr := o.Client.ConnectOperations(ctx, o.User, o.MOID, time.Now().Add(-time.Hour))
	if lerr != nil || len(ops) == 0 {
		detail := "no byte came through the tunnel and the session's operation cannot be read"
		if lerr != nil {
			detail += " (" + oneLine(lerr) + ")"
		}
		return &Broken{Link: LinkRelayDown, Err: err, Detail: detail, Fix: "start the relay: edge-setup remote-access serve (or the Edge agent)"}
	}
	op := ops[0]
	// A relay may report a moment after the session closed: give it one.
	for i := 0; i < 20 && op.Status == tenantapi.OpExecuting; i++ {
		time.Sleep(100 * time.Millisecond)
		if fresh, err := o.Client.Operation(ctx, o.User, op.ID); err == nil {
			op = *fresh
		}
	}
	reason := safetext.Line(op.FailureReason)
	switch op.Status {
	case tenantapi.OpPending:
		if o.Root != "" && !RelayInstalled(o.Root) {
			return &Broken{Link: LinkRelayMissing, Err: err,
				Detail: "the tenant's connect operation " + op.ID + " never left PENDING and the relay service is not installed on this Edge",
				Fix:    "run S: it installs and enables edge-setup-remote-access.service (or let the Edge agent relay, not both)"}
		}
		return &Broken{Link: LinkRelayDown, Err: err,
			Detail: "the tenant's connect operation " + op.ID + " never left PENDING: nothing on the Edge answers c8y_RemoteAccessConnect",
			Fix:    "the relay service is installed but does not answer: systemctl start edge-setup-remote-access and read journalctl -u edge-setup-remote-access (or the Edge agent relays: not both)"}
	case tenantapi.OpFailed:
		if strings.Contains(reason, "not allowed on this Edge") {
			return &Broken{Link: LinkNotAllowed, Err: err, Detail: "the relay reported: " + reason,
				Fix: "allow the endpoint's host and port: edge-setup remote-access allow HOST:PORT (S adds the SSH server it sets up)"}
		}
		if strings.Contains(strings.ToLower(reason), "connection refused") {
			return &Broken{Link: LinkSSHDown, Err: err, Detail: "the relay reported: " + reason,
				Fix: "start the SSH server (systemctl start ssh) or correct the endpoint's port"}
		}
		return &Broken{Link: LinkDeviceSocket, Err: err, Detail: "the relay reported: " + reason,
			Fix: "follow the reason; run d (diagnose) if it names the network, the proxy or TLS"}
	case tenantapi.OpExecuting, tenantapi.OpSuccessful:
		return &Broken{Link: LinkDeviceSocket, Err: err,
			Detail: "the relay took operation " + op.ID + " (" + op.Status + ") but no byte arrived: " + oneLine(err),
			Fix:    "check the relay's log (journalctl -u edge-setup-remote-access); a proxy on the Edge may block WebSockets"}
	}
	return &Broken{Link: LinkRelayDown, Err: err, Detail: "operation " + op.ID + " is " + safetext.Line(op.Status), Fix: "check the relay's log"}
}
