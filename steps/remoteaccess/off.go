package remoteaccess

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps/safetext"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// RelayUnitFile is the relay's systemd unit under the root; RelayUnit is
// its text (the same as deploy/systemd/edge-setup-remote-access.service).
const (
	RelayUnitFile = "etc/systemd/system/edge-setup-remote-access.service"
	RelayService  = "edge-setup-remote-access"
)

// RelayInstalled reports whether the relay's unit is under root.
func RelayInstalled(root string) bool {
	_, err := edgeprops.ReadFileUnder(root, filepath.Join(root, RelayUnitFile), 64<<10)
	return err == nil
}

// TurnOff undoes what S set up, each part skipped when already gone: the
// endpoints S names, its keys in the SSH user's authorized_keys, its
// allow-list entry and its state record. prev is the state S recorded
// (nil when none: only the endpoints are looked for).
func (s *Setup) TurnOff(ctx context.Context, t Reporter, prev *State) error {
	list, err := s.Client.RemoteAccessConfigs(ctx, s.User, s.Edge.MOID)
	if err != nil {
		return t.Do("Delete the endpoints", func() (string, error) {
			return "", fmt.Errorf("reading the device's remote access endpoints failed: %s", tenantapi.Explain(err))
		})
	}
	deleted := 0
	for _, c := range list {
		if c.Name != NameSSH && c.Name != NamePassthrough {
			continue
		}
		err := t.Do("Delete the endpoint \""+c.Name+"\"", func() (string, error) {
			if err := s.Client.DeleteRemoteAccessConfig(ctx, s.User, s.Edge.MOID, c.ID); err != nil && !errors.Is(err, tenantapi.ErrNotFound) {
				return "", fmt.Errorf("deleting it failed: %s", tenantapi.Explain(err))
			}
			return "id " + safetext.Line(c.ID) + " (a session open now goes on until it ends)", nil
		})
		if err != nil {
			return err
		}
		deleted++
	}
	if deleted == 0 {
		t.Skip("Delete the endpoints", "none named \""+NameSSH+"\" or \""+NamePassthrough+"\"")
	}
	if prev == nil {
		t.Skip("Remove the key from authorized_keys", "S recorded no SSH user on this Edge")
		return nil
	}
	root := s.Props.Root()
	if a, err := LookupAccount(root, prev.SSHUser); err != nil {
		t.Skip("Remove the key from authorized_keys", err.Error())
	} else {
		n, err := RemoveAuthorizedKeys(root, a, hostOf(s.Edge.URL), "")
		if err != nil {
			return t.Do("Remove the key from authorized_keys", func() (string, error) { return "", err })
		}
		if n == 0 {
			t.Skip("Remove the key from authorized_keys", "none of edge-setup's for this tenant in "+a.Home+"/.ssh/authorized_keys")
		} else if err := t.Do("Remove the key from authorized_keys", func() (string, error) {
			return fmt.Sprintf("%d line(s) from %s/.ssh/authorized_keys", n, a.Home), nil
		}); err != nil {
			return err
		}
	}
	if prev.Allowed != "" {
		removed, err := Deny(s.Props, prev.Allowed)
		switch {
		case err != nil:
			return t.Do("Take back "+prev.Allowed+" from the allow-list", func() (string, error) { return "", err })
		case removed:
			if err := t.Do("Take back "+prev.Allowed+" from the allow-list", func() (string, error) { return "/" + AllowListFile, nil }); err != nil {
				return err
			}
		default:
			t.Skip("Take back "+prev.Allowed+" from the allow-list", "not in it")
		}
	}
	return t.Do("Delete the remote access record", func() (string, error) {
		path := filepath.Join(s.Props.Path(edgeprops.StateDir), StateName+".json")
		if err := edgeprops.RemoveUnder(root, path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		return "/" + edgeprops.StateDir + "/" + StateName + ".json", nil
	})
}
