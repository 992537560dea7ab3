package remoteaccess

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps/safetext"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// Reporter receives the named sub-steps (steps.Tracker is one).
type Reporter interface {
	Do(name string, fn func() (detail string, err error)) error
	Skip(name, why string)
	Warn(msg string)
	Info(msg string)
}

// Settings are the operator's choices.
type Settings struct {
	Host        string // the endpoint as seen from the Edge; default 127.0.0.1
	Port        int    // default 22
	Credentials string // CredKeyPair (default) or CredUserPass
	SSHUser     string // the user the web terminal logs in as
	SSHPassword string // USER_PASS only; sent to the tenant, never stored here
}

// Defaults of Settings.
const (
	DefaultHost = "127.0.0.1"
	DefaultPort = 22
)

// Normalize fills defaults and checks the values.
func (s *Settings) Normalize() error {
	s.Host = strings.TrimSpace(s.Host)
	if s.Host == "" {
		s.Host = DefaultHost
	}
	if s.Port == 0 {
		s.Port = DefaultPort
	}
	if s.Credentials == "" {
		s.Credentials = CredKeyPair
	}
	s.Credentials = strings.ToUpper(s.Credentials)
	switch {
	case strings.ContainsAny(s.Host, " \t/:@") && net.ParseIP(s.Host) == nil:
		return fmt.Errorf("%q is not a host name or IP address", s.Host)
	case s.Port < 1 || s.Port > 65535:
		return fmt.Errorf("the port %d is not between 1 and 65535", s.Port)
	case s.Credentials != CredKeyPair && s.Credentials != CredUserPass:
		return fmt.Errorf("the credentials type %q is neither KEY_PAIR nor USER_PASS", s.Credentials)
	case strings.TrimSpace(s.SSHUser) == "":
		return errors.New("the SSH user for the web terminal is missing")
	case s.Credentials == CredUserPass && s.SSHPassword == "":
		return errors.New("USER_PASS needs the SSH user's password")
	}
	return nil
}

// Addr is host:port.
func (s Settings) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// State is what option S keeps under the root (no secret).
type State struct {
	URL           string    `json:"url"`
	MOID          string    `json:"managedObjectId"`
	SSHID         string    `json:"sshEndpointId"`
	PassthroughID string    `json:"passthroughEndpointId"`
	Host          string    `json:"host"`
	Port          int       `json:"port"`
	Credentials   string    `json:"credentials"`
	SSHUser       string    `json:"sshUser"`
	Allowed       string    `json:"allowed,omitempty"` // the allow-list entry S added
	Configured    time.Time `json:"configured"`
}

// StateName is the state record (var/lib/edge-setup/remote-access.json).
const StateName = "remote-access"

// Setup is one run of option S.
type Setup struct {
	Props  *edgeprops.Store
	Client *tenantapi.Client
	User   tenantapi.Credentials // tenant user with ROLE_REMOTE_ACCESS_ADMIN
	Edge   *Edge
	Set    Settings
	// ProofTimeout bounds the proof (default 45 s).
	ProofTimeout time.Duration
	Now          func() time.Time
	// OnWait hears each wait of the proof and when it gives up (Now's clock).
	OnWait func(awaited string, until time.Time)

	repair   map[string]any
	hostKeys []ssh.PublicKey
	list     []tenantapi.RemoteAccessConfig
	account  Account
}

// Check runs the checks that change nothing; the first failing one stops
// them with its cause and fix.
func (s *Setup) Check(ctx context.Context, t Reporter) error {
	if err := s.Set.Normalize(); err != nil {
		return err
	}
	root := s.Props.Root()
	steps := []struct {
		name string
		fn   func() (string, error)
	}{
		{"Device credentials", func() (string, error) {
			if err := s.Edge.Prove(ctx, s.Props, s.Client); err != nil {
				return "", err
			}
			return "valid; device " + safetext.Line(s.Edge.DeviceID) + " is managed object " + safetext.Line(s.Edge.MOID), nil
		}},
		{"Remote access service", func() (string, error) {
			err := s.Client.RemoteAccessHealth(ctx, s.User)
			if errors.Is(err, tenantapi.ErrNotFound) {
				return "", NotSubscribed(err)
			}
			if err != nil && !errors.Is(err, tenantapi.ErrForbidden) && !errors.Is(err, tenantapi.ErrUnauthorized) {
				return "", fmt.Errorf("the health check of the service failed: %s", tenantapi.Explain(err))
			}
			return "the tenant is subscribed to Cloud Remote Access", nil
		}},
		{"Tenant user's roles", func() (string, error) { return s.checkRoles(ctx) }},
		{"Device capabilities", func() (string, error) {
			mo, err := s.Client.ManagedObject(ctx, s.Edge.Device, s.Edge.MOID)
			if err != nil {
				return "", fmt.Errorf("reading the Edge's managed object failed: %s", tenantapi.Explain(err))
			}
			ok, repair := SupportsProtocols(mo)
			if ok {
				s.repair = nil
				return "lists c8y_RemoteAccessConnect, declares SSH and PASSTHROUGH", nil
			}
			s.repair = repair
			return "incomplete (" + strings.Join(sortedKeys(repair), ", ") + "); repaired below", nil
		}},
		{"SSH server at " + s.Set.Addr(), func() (string, error) { return SSHBanner(ctx, s.Set.Addr(), 5*time.Second) }},
		{"Host key", func() (string, error) {
			keys, err := HostKeys(root)
			if err != nil {
				return "", err
			}
			s.hostKeys = keys
			return keys[0].Type() + " " + Fingerprint(keys[0]), nil
		}},
		{"SSH user " + s.Set.SSHUser, func() (string, error) {
			a, err := LookupAccount(root, s.Set.SSHUser)
			if err != nil {
				return "", err
			}
			s.account = a
			return "home " + a.Home, nil
		}},
	}
	for _, st := range steps {
		if err := t.Do(st.name, st.fn); err != nil {
			return err
		}
	}
	return nil
}

func (s *Setup) checkRoles(ctx context.Context) (string, error) {
	u, err := s.Client.CurrentUser(ctx, s.User)
	if err != nil {
		return "", fmt.Errorf("reading the tenant user %s failed: %s", s.User.Login(), tenantapi.Explain(err))
	}
	var missing []string
	for _, r := range []string{"ROLE_REMOTE_ACCESS_ADMIN", "ROLE_DEVICE_CONTROL_ADMIN"} {
		if !u.HasRole(r) {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		return "", &Broken{Link: LinkRoleMissing, Detail: s.User.Login() + " lacks " + strings.Join(missing, " and "),
			Fix: "give the user these roles in Administration > Roles (ROLE_REMOTE_ACCESS_ADMIN is assigned to nobody by default)"}
	}
	return "ROLE_REMOTE_ACCESS_ADMIN and ROLE_DEVICE_CONTROL_ADMIN", nil
}

// SSHBanner connects to addr and reads the SSH-2.0 banner.
func SSHBanner(ctx context.Context, addr string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return "", &Broken{Link: LinkSSHDown, Err: err, Detail: TCPFailureReason(addr, err)}
	}
	defer c.Close()
	dl, _ := ctx.Deadline()
	_ = c.SetReadDeadline(dl)
	buf := make([]byte, 0, 256)
	one := make([]byte, 1)
	for len(buf) < 255 {
		n, err := c.Read(one)
		if n == 1 {
			if one[0] == '\n' {
				break
			}
			buf = append(buf, one[0])
			continue
		}
		if err != nil {
			if len(buf) == 0 {
				return "", &Broken{Link: LinkSSHDown, Err: err, Detail: addr + " accepted the connection but sent no SSH banner", Fix: "check that sshd listens there (ss -ltnp)"}
			}
			break
		}
	}
	line := strings.TrimRight(string(buf), "\r")
	if !strings.HasPrefix(line, "SSH-2.0-") && !strings.HasPrefix(line, "SSH-1.99-") {
		return "", &Broken{Link: LinkNotSSH, Detail: fmt.Sprintf("%s answered %q, not an SSH-2.0 banner", addr, safetext.Line(line)),
			Fix: "give the port sshd listens on (usually 22)"}
	}
	return safetext.Line(line), nil
}

func sortedKeys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
