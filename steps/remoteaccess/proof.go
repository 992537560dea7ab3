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
	// OnWait, when set, hears each wait of the proof (Await*) and when it
	// gives up, by Now's clock (nil: the wall clock).
	OnWait func(awaited string, until time.Time)
	Now    func() time.Time
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
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	waits := newProofWaits(o)
	start := time.Now()
	waits.to(AwaitTenant)
	conn, err := wire.DialClient(ctx, o.Client, o.User, o.MOID, o.ConfigID)
	if err != nil {
		if stop := waits.stopped(parent); stop != nil {
			return nil, stop
		}
		return nil, dialBroken(ctx, o, err)
	}
	defer conn.Close()
	if d, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(d)
	}
	waits.to(AwaitRelay)
	t := &tap{Conn: conn, start: start, firstByte: func() { waits.to(AwaitHostKey) }}
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
	if stop := waits.stopped(parent); stop != nil && err != nil {
		return nil, stop
	}
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
	waits.toUntil(AwaitOperation, waits.now().Add(operationReadBound))
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

// tap notes when the first byte arrives and keeps the first line (the SSH banner).
type tap struct {
	net.Conn
	start time.Time
	// firstByte is called once, when the first byte arrives.
	firstByte func()
	mu        sync.Mutex
	first     time.Duration
	line      []byte
	done      bool
}

func (t *tap) Read(p []byte) (int, error) {
	n, err := t.Conn.Read(p)
	if n > 0 {
		t.mu.Lock()
		first := t.first == 0
		if first {
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
		if first && t.firstByte != nil {
			t.firstByte()
		}
	}
	return n, err
}

func (t *tap) result() (string, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimRight(string(t.line), "\r"), t.first
}
