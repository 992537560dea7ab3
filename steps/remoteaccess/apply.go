package remoteaccess

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/edge-setup/edge-setup/steps/safetext"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// Apply makes the changes after Check passed: the device's fragments, the
// SSH endpoint (key pair or password, host key), the PASSTHROUGH
// endpoint, authorized_keys and the state record. Each sub-step is
// skipped when nothing differs, so a second run changes nothing.
func (s *Setup) Apply(ctx context.Context, t Reporter) (*State, error) {
	if s.repair != nil {
		err := t.Do("Declare remote access on the device", func() (string, error) {
			if err := s.Client.UpdateManagedObject(ctx, s.Edge.Device, s.Edge.MOID, s.repair); err != nil {
				return "", fmt.Errorf("updating the Edge's managed object failed: %s", tenantapi.Explain(err))
			}
			return "c8y_SupportedOperations and c8y_RemoteAccessSupportedProtocols [SSH, PASSTHROUGH]", nil
		})
		if err != nil {
			return nil, err
		}
	} else {
		t.Skip("Declare remote access on the device", "already declared")
	}
	list, err := s.Client.RemoteAccessConfigs(ctx, s.User, s.Edge.MOID)
	if err != nil {
		return nil, fmt.Errorf("reading the device's remote access endpoints failed: %s", tenantapi.Explain(err))
	}
	s.list = list
	for _, name := range []string{NameSSH, NamePassthrough} {
		if _, n := FindEndpoint(list, name); n > 1 {
			t.Warn(fmt.Sprintf("%d endpoints are named %q; the first is kept up to date, delete the others in Device management > Remote access", n, name))
		}
	}
	var old State
	found, _ := s.Props.ReadState(StateName, &old)
	if err := s.allowStep(t, found, old); err != nil {
		return nil, err
	}
	hostKey := authorizedLine(s.hostKeys[0])
	sshCfg, err := s.ensureSSH(ctx, t, hostKey)
	if err != nil {
		return nil, err
	}
	var pt *tenantapi.RemoteAccessConfig
	err = s.endpointStep(ctx, t, "PASSTHROUGH endpoint", func() (*tenantapi.RemoteAccessConfig, EndpointChange, error) {
		return EnsureEndpoint(ctx, s.Client, s.User, s.Edge.MOID, s.list, tenantapi.RemoteAccessConfig{
			Name: NamePassthrough, Hostname: s.Set.Host, Port: s.Set.Port, Protocol: "PASSTHROUGH", CredentialsType: "NONE",
		}, false)
	}, &pt)
	if err != nil {
		return nil, err
	}
	st := &State{URL: s.Edge.URL, MOID: s.Edge.MOID, SSHID: sshCfg.ID, PassthroughID: pt.ID, Host: s.Set.Host, Port: s.Set.Port,
		Credentials: s.Set.Credentials, SSHUser: s.Set.SSHUser, Allowed: s.Set.Addr(), Configured: s.now()}
	old.Configured = st.Configured
	if found && old == *st {
		t.Skip("Record the remote access settings", "unchanged")
		return st, nil
	}
	err = t.Do("Record the remote access settings", func() (string, error) {
		return "/var/lib/edge-setup/" + StateName + ".json", s.Props.WriteState(StateName, st)
	})
	return st, err
}

func (s *Setup) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// allowStep lets the relay connect to the SSH server S set up, and takes
// back the entry an earlier run added for another address.
func (s *Setup) allowStep(t Reporter, found bool, old State) error {
	name := "Allow " + s.Set.Addr() + " for the relay"
	added, err := Allow(s.Props, s.Set.Addr())
	if err != nil {
		return t.Do(name, func() (string, error) { return "", err })
	}
	if found && old.Allowed != "" && old.Allowed != s.Set.Addr() {
		if _, err := Deny(s.Props, old.Allowed); err != nil {
			return t.Do(name, func() (string, error) { return "", err })
		}
		t.Info("The relay no longer connects to " + old.Allowed + " (set up by an earlier run of S)")
	}
	if !added {
		t.Skip(name, "already in /"+AllowListFile)
		return nil
	}
	return t.Do(name, func() (string, error) { return "added to /" + AllowListFile, nil })
}

// ensureSSH keeps the SSH endpoint: with KEY_PAIR a key pair is generated
// only when the endpoint must be written (its private key is never sent
// back, so a PUT needs a new one), and the public key goes into the
// user's authorized_keys.
func (s *Setup) ensureSSH(ctx context.Context, t Reporter, hostKey string) (*tenantapi.RemoteAccessConfig, error) {
	want := tenantapi.RemoteAccessConfig{Name: NameSSH, Hostname: s.Set.Host, Port: s.Set.Port, Protocol: "SSH",
		CredentialsType: s.Set.Credentials, Username: s.Set.SSHUser, HostKey: hostKey}
	have, _ := FindEndpoint(s.list, NameSSH)
	root := s.Props.Root()
	tenantHost := hostOf(s.Edge.URL)
	var out *tenantapi.RemoteAccessConfig
	if s.Set.Credentials == CredUserPass {
		want.Password = s.Set.SSHPassword
		// The password cannot be compared (never sent back): it is sent each run.
		err := s.endpointStep(ctx, t, "SSH endpoint", func() (*tenantapi.RemoteAccessConfig, EndpointChange, error) {
			return EnsureEndpoint(ctx, s.Client, s.User, s.Edge.MOID, s.list, want, true)
		}, &out)
		return out, err
	}
	if have != nil && have.PublicKey != "" && HasKey(root, s.account, keyText(have.PublicKey)) {
		want.PublicKey = keyText(have.PublicKey)
		if sameVisible(*have, want) {
			t.Skip("SSH endpoint", fmt.Sprintf("unchanged (%s, key pair for %s, host key set)", safetext.Line(have.Name), safetext.Line(s.Set.SSHUser)))
			t.Skip("Authorize the key for "+s.Set.SSHUser, "its public key is already in "+s.account.Home+"/.ssh/authorized_keys")
			// A run stopped after the endpoint took its key left the earlier one.
			return have, s.dropEarlierKeys(t, tenantHost, want.PublicKey)
		}
	}
	// The order keeps a working pair at every moment: the new key is
	// added (the old one stays), the endpoint takes the new private key,
	// and only then are the earlier keys dropped.
	var kp KeyPair
	err := t.Do("Generate an ed25519 key pair", func() (string, error) {
		var err error
		kp, err = NewKeyPair()
		return "the private key goes to the tenant only", err
	})
	if err != nil {
		return nil, err
	}
	want.PrivateKey, want.PublicKey = kp.PrivatePEM, kp.Public
	err = t.Do("Authorize the key for "+s.Set.SSHUser, func() (string, error) {
		if _, err := AddAuthorizedKey(root, s.account, kp.Public, tenantHost); err != nil {
			return "", err
		}
		return s.account.Home + "/.ssh/authorized_keys (0600; other lines kept)", nil
	})
	if err != nil {
		return nil, err
	}
	err = s.endpointStep(ctx, t, "SSH endpoint", func() (*tenantapi.RemoteAccessConfig, EndpointChange, error) {
		return EnsureEndpoint(ctx, s.Client, s.User, s.Edge.MOID, s.list, want, true)
	}, &out)
	if err != nil {
		return nil, err
	}
	return out, s.dropEarlierKeys(t, tenantHost, kp.Public)
}

// dropEarlierKeys removes edge-setup's earlier keys for the tenant from
// authorized_keys once the endpoint holds keep's private key.
func (s *Setup) dropEarlierKeys(t Reporter, tenantHost, keep string) error {
	name := "Remove the earlier key of " + s.Set.SSHUser
	n, err := RemoveAuthorizedKeys(s.Props.Root(), s.account, tenantHost, keep)
	if err != nil {
		return t.Do(name, func() (string, error) { return "", err })
	}
	if n == 0 {
		t.Skip(name, "none left")
		return nil
	}
	return t.Do(name, func() (string, error) {
		return fmt.Sprintf("%d line(s) of edge-setup for this tenant removed from %s/.ssh/authorized_keys", n, s.account.Home), nil
	})
}

// endpointStep runs one endpoint change as a sub-step (skipped when unchanged).
// A stop (ctx done) before it leaves the endpoint alone.
func (s *Setup) endpointStep(ctx context.Context, t Reporter, name string, fn func() (*tenantapi.RemoteAccessConfig, EndpointChange, error), out **tenantapi.RemoteAccessConfig) error {
	if ctx.Err() != nil {
		return t.Do(name, func() (string, error) { return "", ctx.Err() })
	}
	cfg, change, err := fn()
	if err != nil {
		return t.Do(name, func() (string, error) { return "", err })
	}
	*out = cfg
	detail := fmt.Sprintf("%s %s:%d (id %s)", safetext.Line(cfg.Protocol), safetext.Line(cfg.Hostname), cfg.Port, safetext.Line(cfg.ID))
	if change == Unchanged {
		t.Skip(name, "unchanged: "+detail)
		return nil
	}
	return t.Do(name, func() (string, error) { return change.String() + ": " + detail, nil })
}

func hostOf(u string) string {
	if p, err := url.Parse(u); err == nil && p.Host != "" {
		return p.Host
	}
	return u
}

// ProveSetup runs the proof on the PASSTHROUGH endpoint of st.
// With a KEY_PAIR SSH endpoint it also proves that the Edge's SSH server
// accepts that endpoint's key for its user (the web terminal's login).
func (s *Setup) ProveSetup(ctx context.Context, st *State) (*Proof, error) {
	o := ProveOptions{Client: s.Client, User: s.User, MOID: st.MOID, ConfigID: st.PassthroughID,
		HostKeys: s.hostKeys, Timeout: s.ProofTimeout, Root: s.Props.Root(), OnWait: s.OnWait, Now: s.Now}
	login, err := s.webTerminalLogin(ctx)
	if err != nil {
		return nil, err
	}
	o.WebTerminal = login
	return Prove(ctx, o)
}

// webTerminalLogin reads the SSH endpoint's user and public key (nil for
// USER_PASS: the password is the tenant's alone).
func (s *Setup) webTerminalLogin(ctx context.Context) (*WebTerminalLogin, error) {
	list, err := s.Client.RemoteAccessConfigs(ctx, s.User, s.Edge.MOID)
	if err != nil {
		return nil, fmt.Errorf("reading the device's remote access endpoints failed: %s", tenantapi.Explain(err))
	}
	cfg, _ := FindEndpoint(list, NameSSH)
	if cfg == nil {
		return nil, &Broken{Link: LinkEndpoint, Detail: "there is no endpoint \"" + NameSSH + "\" (the web terminal)", Fix: "run S again to create it"}
	}
	if cfg.CredentialsType != CredKeyPair {
		return nil, nil
	}
	key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(keyText(cfg.PublicKey)))
	if err != nil {
		return nil, &Broken{Link: LinkWebTerminal, Detail: "the SSH endpoint shows no usable public key", Fix: "run S again: it makes a new key pair"}
	}
	return &WebTerminalLogin{User: cfg.Username, Key: key}, nil
}
