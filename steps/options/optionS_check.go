package options

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/remoteaccess"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// RemoteAccessUser is the tenant user of C8Y_USER/C8Y_PASSWORD (C8Y_TENANT),
// or nil.
func RemoteAccessUser(env *steps.Env) *tenantapi.Credentials { return EnvTenantUser(env) }

// RemoteAccessReport is what CheckRemoteAccess found.
type RemoteAccessReport struct {
	Proof  *remoteaccess.Proof
	Broken *remoteaccess.Broken
}

// CheckRemoteAccess runs option S's checks (changing nothing) and the
// proof on the PASSTHROUGH endpoint S created, as user. Sub-steps go to
// emit. The error says what failed; a *remoteaccess.Broken names the link.
func CheckRemoteAccess(ctx context.Context, env *steps.Env, user tenantapi.Credentials, emit steps.Emit) (*remoteaccess.Proof, error) {
	t := steps.NewTrackerContext(ctx, emit)
	edge, err := remoteaccess.StoredEdge(env.Props)
	if err != nil {
		return nil, err
	}
	client, err := env.NewClient(edge.URL)
	if err != nil {
		return nil, err
	}
	defer client.Close()
	st := raState(env)
	set := remoteaccess.Settings{Host: remoteaccess.DefaultHost, Port: remoteaccess.DefaultPort, SSHUser: "root"}
	if st != nil {
		set.Host, set.Port, set.SSHUser, set.Credentials = st.Host, st.Port, st.SSHUser, st.Credentials
	}
	set.SSHPassword = "unused-by-checks"
	s := &remoteaccess.Setup{Props: env.Props, Client: client, User: user, Edge: edge, Set: set, Now: env.Now, OnWait: raProofWaits(t)}
	if err := s.Check(ctx, t); err != nil {
		return nil, err
	}
	err = t.Do("Allow-list", func() (string, error) {
		l, err := remoteaccess.LoadAllowList(env.Props)
		if err != nil {
			return "", err
		}
		if _, err := l.Permit(ctx, set.Host, set.Port); err != nil {
			return "", &remoteaccess.Broken{Link: remoteaccess.LinkNotAllowed, Err: err, Detail: "the relay may not connect to " + set.Addr() + " (allowed: " + l.String() + ")",
				Fix: "allow it: edge-setup remote-access allow " + set.Addr() + " (S does it for the SSH server it sets up)"}
		}
		return "the relay may connect to " + l.String(), nil
	})
	if err != nil {
		return nil, err
	}
	var cfgID string
	err = t.Do("PASSTHROUGH endpoint", func() (string, error) {
		list, err := client.RemoteAccessConfigs(ctx, user, edge.MOID)
		if err != nil {
			return "", fmt.Errorf("reading the endpoints failed: %s", tenantapi.Explain(err))
		}
		cfg, _ := remoteaccess.FindEndpoint(list, remoteaccess.NamePassthrough)
		if cfg == nil {
			return "", errors.New("there is no endpoint \"" + remoteaccess.NamePassthrough + "\": run S (or edge-setup remote-access setup) to create it")
		}
		cfgID = cfg.ID
		return fmt.Sprintf("%s:%d (id %s)", cfg.Hostname, cfg.Port, cfg.ID), nil
	})
	if err != nil {
		return nil, err
	}
	var proof *remoteaccess.Proof
	err = t.Do(raProofStep, func() (string, error) {
		proof, err = s.ProveSetup(ctx, &remoteaccess.State{MOID: edge.MOID, PassthroughID: cfgID})
		if err != nil {
			return "", err
		}
		return "host key " + proof.HostKey, nil
	})
	if err != nil {
		return nil, err
	}
	t.Info(proof.Summary())
	return proof, nil
}

// raProofStep is the sub-step of S's proof; it waits on the tenant.
const raProofStep = "Test remote access"

// raProofWaits turns the proof's waits into steps.Waiting events of its
// sub-step: front ends count down the seconds left.
func raProofWaits(t *steps.Tracker) func(string, time.Time) {
	return func(awaited string, until time.Time) {
		t.Emit(steps.Event{Kind: steps.Waiting, Name: raProofStep, Detail: awaited, Until: until})
	}
}
