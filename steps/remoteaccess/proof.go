package remoteaccess

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/edge-setup/edge-setup/steps/safetext"
	"github.com/edge-setup/edge-setup/tenantapi"
	wire "github.com/edge-setup/edge-setup/tenantapi/remoteaccess"
)

// Proof is a session that went through: the SSH server's banner, the time
// from opening the client WebSocket to its first byte (the device had
// attached and reached sshd) and to the verified host key.
type Proof struct {
	Banner   string
	Attached time.Duration
	Total    time.Duration
	HostKey  string // fingerprint of the key that answered
}

// Summary is the line the operator reads.
func (p *Proof) Summary() string {
	return fmt.Sprintf("SSH through the tenant works: reached %s of this Edge in %s (device attached after %s)",
		safetext.Line(p.Banner), seconds(p.Total), seconds(p.Attached))
}

// seconds is "0.4 s", or "12 ms" below a tenth of a second.
func seconds(d time.Duration) string {
	if d < 100*time.Millisecond {
		return fmt.Sprintf("%d ms", max(d.Milliseconds(), 1))
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

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

// ProveOptions say where to prove.
type ProveOptions struct {
	Client   *tenantapi.Client
	User     tenantapi.Credentials // the tenant user, as in the browser
	MOID     string
	ConfigID string          // a PASSTHROUGH endpoint
	HostKeys []ssh.PublicKey // this Edge's own host keys
	// Timeout bounds the whole proof; default 45 s (the platform gives
	// the device 30 s to attach).
	Timeout time.Duration
	// WebTerminal, when set, is the SSH endpoint's login (KEY_PAIR): the
	// proof also asks the SSH server whether it accepts that key for that
	// user, so a web terminal whose key the Edge no longer holds is caught.
	WebTerminal *WebTerminalLogin
	// Root, when set, is the Edge's root: a relay that never answered is
	// then told apart as not installed or not running.
	Root string
}

// WebTerminalLogin is the user and public key of the SSH endpoint.
type WebTerminalLogin struct {
	User string
	Key  ssh.PublicKey
}

// keyProbe is a Signer holding only the public key of the SSH endpoint
// (its private key is the tenant's): an SSH server asked about a key
// answers "would accept" before any signature, and only then does the
// client ask for one, so a call to Sign proves the key is accepted.
type keyProbe struct {
	key      ssh.PublicKey
	mu       sync.Mutex
	accepted bool
}

func (k *keyProbe) PublicKey() ssh.PublicKey { return k.key }

func (k *keyProbe) Sign(io.Reader, []byte) (*ssh.Signature, error) {
	k.mu.Lock()
	k.accepted = true
	k.mu.Unlock()
	return nil, errKeyProbed
}

func (k *keyProbe) wasAccepted() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.accepted
}

var errKeyProbed = errors.New("the key was accepted (the proof holds no private key to sign with)")

// Prove opens a session exactly as a native ssh through the tenant would
// (client WebSocket on the PASSTHROUGH endpoint), completes an SSH key
// exchange through it and checks that the host key is this Edge's own.
// On failure it reads what became of the operation and returns *Broken.
func Prove(ctx context.Context, o ProveOptions) (*Proof, error) {
	if o.Timeout <= 0 {
		o.Timeout = 45 * time.Second
	}
	if len(o.HostKeys) == 0 {
		return nil, ErrNoHostKey
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	start := time.Now()
	conn, err := wire.DialClient(ctx, o.Client, o.User, o.MOID, o.ConfigID)
	if err != nil {
		return nil, dialBroken(ctx, o, err)
	}
	defer conn.Close()
	if d, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(d)
	}
	t := &tap{Conn: conn, start: start}
	var presented ssh.PublicKey
	var algos []string
	for _, k := range o.HostKeys {
		algos = append(algos, hostKeyAlgos(k.Type())...)
	}
	user, auth := "edge-setup-proof", []ssh.AuthMethod(nil) // without WebTerminal only the key exchange counts
	var probe *keyProbe
	if o.WebTerminal != nil {
		probe = &keyProbe{key: o.WebTerminal.Key}
		user, auth = o.WebTerminal.User, []ssh.AuthMethod{ssh.PublicKeys(probe)}
	}
	cfg := &ssh.ClientConfig{
		User: user,
		Auth: auth,
		HostKeyCallback: func(_ string, _ net.Addr, k ssh.PublicKey) error {
			presented = k
			for _, want := range o.HostKeys {
				if bytes.Equal(k.Marshal(), want.Marshal()) {
					return nil
				}
			}
			return errWrongHostKey
		},
		HostKeyAlgorithms: algos,
		Timeout:           o.Timeout,
	}
	c, chans, reqs, err := ssh.NewClientConn(t, "edge", cfg)
	if err == nil {
		go ssh.DiscardRequests(reqs)
		go func() {
			for ch := range chans {
				_ = ch.Reject(ssh.Prohibited, "")
			}
		}()
		c.Close()
	}
	total := time.Since(start)
	banner, attached := t.result()
	switch {
	case presented != nil && errors.Is(err, errWrongHostKey):
		return nil, &Broken{Link: LinkWrongHostKey, Err: err,
			Detail: fmt.Sprintf("the SSH server that answered through the tenant shows the host key %s, which is not this Edge's (%s)",
				Fingerprint(presented), Fingerprint(o.HostKeys[0])),
			Fix: "another machine answers at the endpoint's host and port: set the endpoint to 127.0.0.1 and the port this Edge's sshd listens on"}
	case presented != nil && probe != nil && !probe.wasAccepted() && (err == nil || isAuthFailure(err)):
		return nil, &Broken{Link: LinkWebTerminal, Err: err,
			Detail: fmt.Sprintf("the SSH server does not accept the web terminal's key (%s) for %s: the SSH endpoint's key is not in %s's authorized_keys",
				Fingerprint(probe.key), safetext.Line(o.WebTerminal.User), safetext.Line(o.WebTerminal.User)),
			Fix: "run S again: it makes a new key pair and authorizes it before the endpoint takes it"}
	case presented != nil && (err == nil || isAuthFailure(err)):
		return &Proof{Banner: banner, Attached: attached, Total: total, HostKey: Fingerprint(presented)}, nil
	case banner != "" && !strings.HasPrefix(banner, "SSH-"):
		return nil, &Broken{Link: LinkNotSSH, Err: err,
			Detail: fmt.Sprintf("the endpoint answered %q, which is not an SSH server", safetext.Line(banner)),
			Fix:    "set the endpoint's port to the one sshd listens on (usually 22)"}
	case banner != "":
		return nil, &Broken{Link: LinkNotSSH, Err: err, Detail: "the SSH key exchange through the tenant failed after " + safetext.Line(banner) + ": " + oneLine(err),
			Fix: "check the SSH server's log (journalctl -u ssh)"}
	}
	return nil, afterSilence(o, err)
}

var errWrongHostKey = errors.New("the host key is not this Edge's")

func isAuthFailure(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "unable to authenticate") || strings.Contains(err.Error(), errKeyProbed.Error()))
}

func hostKeyAlgos(t string) []string {
	if t == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	}
	return []string{t}
}

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
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
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

// tap notes when the first byte arrives and keeps the first line (the SSH banner).
type tap struct {
	net.Conn
	start time.Time
	mu    sync.Mutex
	first time.Duration
	line  []byte
	done  bool
}

func (t *tap) Read(p []byte) (int, error) {
	n, err := t.Conn.Read(p)
	if n > 0 {
		t.mu.Lock()
		if t.first == 0 {
			t.first = time.Since(t.start)
		}
		for _, b := range p[:n] {
			if t.done || len(t.line) >= 255 {
				t.done = true
				break
			}
			if b == '\n' {
				t.done = true
				break
			}
			t.line = append(t.line, b)
		}
		t.mu.Unlock()
	}
	return n, err
}

func (t *tap) result() (string, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimRight(string(t.line), "\r"), t.first
}
