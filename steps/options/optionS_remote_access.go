package options

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/remoteaccess"
	"github.com/edge-setup/edge-setup/steps/system"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// RemoteAccess is menu entry S, "Remote SSH access through the tenant":
// the checks, the SSH and PASSTHROUGH endpoints, the key pair, the host
// key, and the proof that SSH through the tenant reaches this Edge. The
// engine is steps/remoteaccess; this file only asks and reports.
type RemoteAccess struct{}

// Lettered is a menu entry chosen by a letter instead of a number.
type Lettered interface {
	steps.Step
	Letter() string
}

// Answer keys of option S (also the keys of answer files, `option: S`).
const (
	KeyRATenantUser     = "tenant_user"
	KeyRATenantPassword = "tenant_password"
	KeySSHHost          = "ssh_host"
	KeySSHPort          = "ssh_port"
	KeySSHCredentials   = "ssh_credentials"
	KeySSHUser          = "ssh_user"
	KeySSHPassword      = "ssh_password"
	KeyRAAllow          = "allow"         // more HOST:PORT the relay may connect to, comma-separated
	KeyRAAction         = "remote_access" // "on" (set up, the default) or "off" (turn it off again)
)

// raTenantUser is the tenant user of S: C8Y_USER/C8Y_PASSWORD, else the
// answers, else (with the password left out) the user option 7 was given
// in this run.
func raTenantUser(env *steps.Env, a steps.Answers) *tenantapi.Credentials {
	if cr := EnvTenantUser(env); cr != nil {
		return cr
	}
	if reusesOption7User(env, a) {
		return env.RememberedTenantUser()
	}
	cr := steps.TenantUserCredentials(env, a[KeyRATenantUser], a[KeyRATenantPassword])
	return &cr
}

// reusesOption7User: the user answered is the one option 7 was given in
// this run (its password is then not asked again).
func reusesOption7User(env *steps.Env, a steps.Answers) bool {
	return a.Has(KeyRATenantUser) && option7User(env, a[KeyRATenantUser]) != nil
}

func (RemoteAccess) Number() int             { return steps.RemoteAccessNumber }
func (RemoteAccess) Letter() string          { return steps.RemoteAccessLetter }
func (RemoteAccess) Title(*steps.Env) string { return "Remote SSH access through the tenant" }

func (RemoteAccess) Available(env *steps.Env) error {
	_, err := remoteaccess.StoredEdge(env.Props)
	return err
}

// raState is the previous run's choices (nil when none).
func raState(env *steps.Env) *remoteaccess.State {
	var st remoteaccess.State
	if ok, err := env.Props.ReadState(remoteaccess.StateName, &st); !ok || err != nil {
		return nil
	}
	return &st
}

func (RemoteAccess) NextPrompt(env *steps.Env, a steps.Answers) (*steps.Prompt, error) {
	edge, err := remoteaccess.StoredEdge(env.Props)
	if err != nil {
		return nil, err
	}
	prev := raState(env)
	def := func(fromState, fallback string) string {
		if prev != nil && fromState != "" && fromState != "0" {
			return fromState
		}
		return fallback
	}
	setUp := prev != nil && (prev.SSHID != "" || prev.PassthroughID != "")
	if (setUp || remoteaccess.RelayInstalled(env.Root)) && !a.Has(KeyRAAction) {
		return &steps.Prompt{Key: KeyRAAction, Text: "* Remote access was set up here: [U] set it up or update it or [O] turn it off:", Default: "U",
			Help: "O deletes S's endpoints, removes its key from authorized_keys, stops and disables the relay and takes back its allow-list entry.",
			Validate: func(s string) (string, error) {
				switch strings.ToUpper(strings.TrimSpace(s)) {
				case "", "U", "ON", "UPDATE":
					return "on", nil
				case "O", "OFF":
					return "off", nil
				}
				return "", errors.New("answer U (update) or O (turn off)")
			}}, nil
	}
	if EnvTenantUser(env) == nil {
		if !a.Has(KeyRATenantUser) {
			def := env.EnvVar("C8Y_USER")
			help := "Creates the endpoints and tests the session as the browser would. Not stored."
			if mem := env.RememberedTenantUser(); mem != nil {
				def = mem.Login()
				help = option7UserHelp
			}
			return &steps.Prompt{Key: KeyRATenantUser, Text: "* Enter tenant user with remote access rights (ROLE_REMOTE_ACCESS_ADMIN):",
				Help: help, Default: def,
				Validate: func(s string) (string, error) {
					s = strings.TrimSpace(s)
					if s == "" || strings.ContainsAny(s, " \t:") {
						return "", errors.New("give a user name without spaces or ':' (tenantID/user if the tenant needs it)")
					}
					return s, nil
				}}, nil
		}
		if !a.Has(KeyRATenantPassword) && !reusesOption7User(env, a) {
			return &steps.Prompt{Key: KeyRATenantPassword, Text: fmt.Sprintf(PromptTenantPassword, a[KeyRATenantUser]), Secret: true,
				Validate: required("the password"),
				Verify: func(ctx context.Context, pw string) error {
					return VerifyLogin(ctx, env, edge.URL, steps.TenantUserCredentials(env, a[KeyRATenantUser], pw))
				}}, nil
		}
	}
	if a[KeyRAAction] == "off" {
		return nil, nil
	}
	var stHost, stPort, stCred, stUser string
	if prev != nil {
		stHost, stPort, stCred, stUser = prev.Host, strconv.Itoa(prev.Port), prev.Credentials, prev.SSHUser
	}
	switch {
	case !a.Has(KeySSHHost):
		return &steps.Prompt{Key: KeySSHHost, Text: "* Enter the SSH server's address as seen from this Edge:", Default: def(stHost, remoteaccess.DefaultHost),
			Help: "Both endpoints (browser terminal and native ssh) point here; 127.0.0.1 is this Edge's own sshd.",
			Validate: func(s string) (string, error) {
				st := remoteaccess.Settings{Host: s, Port: 22, SSHUser: "x"}
				return st.Host, st.Normalize()
			}}, nil
	case !a.Has(KeySSHPort):
		return &steps.Prompt{Key: KeySSHPort, Text: "* Enter the SSH server's port:", Default: def(stPort, "22"), Validate: validatePort}, nil
	case !a.Has(KeySSHCredentials):
		return &steps.Prompt{Key: KeySSHCredentials, Text: "* Web terminal login: [K] key pair made now (recommended) or [P] password:",
			Default: credDefault(stCred),
			Help:    "K: an ed25519 key pair; the public key goes into the user's authorized_keys, the private key to the tenant only.",
			Validate: func(s string) (string, error) {
				switch strings.ToUpper(strings.TrimSpace(s)) {
				case "", "K", "KEY", "KEY_PAIR":
					return remoteaccess.CredKeyPair, nil
				case "P", "PASSWORD", "USER_PASS":
					return remoteaccess.CredUserPass, nil
				}
				return "", errors.New("answer K (key pair) or P (password)")
			}}, nil
	case !a.Has(KeySSHUser):
		return &steps.Prompt{Key: KeySSHUser, Text: "* Enter the user the web terminal logs in as:", Default: def(stUser, firstLoginUser(env)),
			Validate: func(s string) (string, error) {
				s = strings.TrimSpace(s)
				if _, err := remoteaccess.LookupAccount(env.Root, s); err != nil {
					return "", err
				}
				return s, nil
			}}, nil
	case a[KeySSHCredentials] == remoteaccess.CredUserPass && !a.Has(KeySSHPassword):
		return &steps.Prompt{Key: KeySSHPassword, Text: fmt.Sprintf("* Enter the SSH password of %s (sent to the tenant, not stored here):", a[KeySSHUser]),
			Secret: true, Validate: required("the password")}, nil
	case !a.Has(KeyRAAllow):
		return &steps.Prompt{Key: KeyRAAllow, Text: "* Other HOST:PORT the relay may connect to (comma-separated; Enter for none):",
			Default:  extraAllowed(env, prev),
			Help:     "The relay connects only to what this Edge allows: S adds the SSH server above; anything else ends FAILED \"not allowed on this Edge\".",
			Validate: parseAllowAnswer}, nil
	}
	return nil, nil
}

// extraAllowed is the allow-list without the entry S itself added.
func extraAllowed(env *steps.Env, prev *remoteaccess.State) string {
	l, err := remoteaccess.LoadAllowList(env.Props)
	if err != nil {
		return ""
	}
	var out []string
	for _, e := range l.Entries {
		if prev == nil || e != prev.Allowed {
			out = append(out, e)
		}
	}
	return strings.Join(out, ", ")
}

// parseAllowAnswer checks a comma-separated list of HOST:PORT.
func parseAllowAnswer(s string) (string, error) {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if strings.TrimSpace(f) == "" {
			continue
		}
		e, err := remoteaccess.ParseHostPort(f)
		if err != nil {
			return "", err
		}
		out = append(out, e)
	}
	return strings.Join(out, ", "), nil
}

func credDefault(prev string) string {
	if prev == remoteaccess.CredUserPass {
		return "P"
	}
	return "K"
}

func validatePort(s string) (string, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 || n > 65535 {
		return "", errors.New("give a TCP port from 1 to 65535")
	}
	return strconv.Itoa(n), nil
}

// VerifyLogin proves the tenant user's password (the roles are checked later, with their fix).
func VerifyLogin(ctx context.Context, env *steps.Env, url string, cr tenantapi.Credentials) error {
	c, err := env.NewClient(url)
	if err != nil {
		return err
	}
	if _, err := c.CurrentUser(ctx, cr); err != nil {
		if errors.Is(err, tenantapi.ErrUnauthorized) {
			return fmt.Errorf("the tenant refused user %q (401): check the user name and password (write tenantID/user if the tenant needs it)", cr.User)
		}
		return errors.New(tenantapi.Explain(err))
	}
	return nil
}

// firstLoginUser is the first user of /etc/passwd (under the root) with a
// UID from 1000 and a login shell, else root.
func firstLoginUser(env *steps.Env) string {
	data, err := system.ReadRootFile(env, "/etc/passwd", 4<<20)
	if err != nil {
		return "root"
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Split(sc.Text(), ":")
		if len(f) < 7 {
			continue
		}
		uid, err := strconv.Atoi(f[2])
		if err == nil && uid >= 1000 && uid < 65534 && !strings.HasSuffix(f[6], "nologin") && !strings.HasSuffix(f[6], "false") {
			return f[0]
		}
	}
	return "root"
}

func (RemoteAccess) Confirm(env *steps.Env, a steps.Answers) []string {
	if a[KeyRAAction] == "off" {
		return raOffPlan(env)
	}
	addr := a[KeySSHHost] + ":" + a[KeySSHPort]
	lines := []string{
		"Check, changing nothing: the device credentials, the tenant's remote access service, the user's roles, the SSH server at " + addr + " and this Edge's host key",
		"Create or update the endpoint \"" + remoteaccess.NameSSH + "\" (SSH to " + addr + ", host key from /etc/ssh, user " + a[KeySSHUser] + ")",
	}
	if a[KeySSHCredentials] == remoteaccess.CredUserPass {
		lines = append(lines, "Send the SSH password of "+a[KeySSHUser]+" to the tenant (not stored on the Edge)")
	} else {
		lines = append(lines, "Generate an ed25519 key pair if the endpoint needs new credentials: the public key into ~"+a[KeySSHUser]+"/.ssh/authorized_keys (other lines kept), the private key to the tenant only")
	}
	allow := "Allow the relay to connect to " + addr + " (/" + remoteaccess.AllowListFile + ")"
	if a[KeyRAAllow] != "" {
		allow += " and to " + a[KeyRAAllow]
	}
	return append(lines,
		"Create or update the endpoint \""+remoteaccess.NamePassthrough+"\" (PASSTHROUGH to "+addr+", for native ssh)",
		allow+"; nothing else is allowed",
		relayServicePlan(env),
		"Then test it: open a session through the tenant as the browser does, check that this Edge's own host key answers and that the SSH server accepts the web terminal's key")
}

func (RemoteAccess) Run(ctx context.Context, env *steps.Env, a steps.Answers, emit steps.Emit) error {
	t := steps.NewTrackerContext(ctx, emit)
	edge, err := remoteaccess.StoredEdge(env.Props)
	if err != nil {
		return err
	}
	client, err := env.NewClient(edge.URL)
	if err != nil {
		return err
	}
	defer client.Close()
	user := raTenantUser(env, a)
	if a[KeyRAAction] == "off" {
		return raTurnOff(ctx, env, t, client, *user, edge)
	}
	port, _ := strconv.Atoi(a[KeySSHPort])
	s := &remoteaccess.Setup{Props: env.Props, Client: client, User: *user, Edge: edge, Now: env.Now, OnWait: raProofWaits(t),
		Set: remoteaccess.Settings{Host: a[KeySSHHost], Port: port, Credentials: a[KeySSHCredentials], SSHUser: a[KeySSHUser], SSHPassword: a[KeySSHPassword]}}
	if err := s.Check(ctx, t); err != nil {
		return err
	}
	st, err := s.Apply(ctx, t)
	if err != nil {
		return err
	}
	if err := raAllowMore(t, env, a[KeyRAAllow]); err != nil {
		return err
	}
	if err := installRelayService(ctx, env, t); err != nil {
		return err
	}
	t.Info("Allowed on this Edge: " + allowedNow(env))
	var proof *remoteaccess.Proof
	err = t.Do(raProofStep, func() (string, error) {
		var err error
		proof, err = s.ProveSetup(ctx, st)
		if err != nil {
			return "", err
		}
		return "host key " + proof.HostKey, nil
	})
	if err != nil {
		return err
	}
	t.Info(proof.Summary())
	return nil
}

// EscStops: S's run is checks and a proof that waits for the tenant.
func (RemoteAccess) EscStops() bool { return true }
