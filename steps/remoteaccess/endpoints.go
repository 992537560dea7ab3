package remoteaccess

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/edge-setup/edge-setup/tenantapi"
)

// Endpoint names edge-setup looks for (re-running finds them by name).
const (
	NameSSH         = "SSH to this Edge (web terminal)"
	NamePassthrough = "SSH passthrough to this Edge"
)

// Credential types of the SSH endpoint.
const (
	CredKeyPair  = "KEY_PAIR"
	CredUserPass = "USER_PASS"
)

// EndpointChange is what EnsureEndpoint did.
type EndpointChange int

const (
	Unchanged EndpointChange = iota
	Created
	Updated
)

func (c EndpointChange) String() string {
	return [...]string{"unchanged", "created", "updated"}[c]
}

// FindEndpoint returns the first endpoint named name, and how many carry that name.
func FindEndpoint(list []tenantapi.RemoteAccessConfig, name string) (*tenantapi.RemoteAccessConfig, int) {
	var found *tenantapi.RemoteAccessConfig
	n := 0
	for i := range list {
		if strings.TrimSpace(list[i].Name) == name {
			if found == nil {
				found = &list[i]
			}
			n++
		}
	}
	return found, n
}

// sameVisible compares what the service answers (secrets are never sent
// back, so they cannot be compared).
func sameVisible(have, want tenantapi.RemoteAccessConfig) bool {
	return strings.EqualFold(have.Hostname, want.Hostname) && have.Port == want.Port &&
		have.Protocol == want.Protocol && have.CredentialsType == want.CredentialsType &&
		have.Username == want.Username && keyText(have.HostKey) == keyText(want.HostKey) &&
		keyText(have.PublicKey) == keyText(want.PublicKey)
}

// keyText is an SSH public key without its comment, for comparison.
func keyText(k string) string {
	f := strings.Fields(k)
	if len(f) >= 2 {
		return f[0] + " " + f[1]
	}
	return strings.TrimSpace(k)
}

// EnsureEndpoint creates want (found by its name) or replaces the existing
// one with a full PUT when what the service shows differs, or when
// resendSecret says the secret must be sent again. It never creates a
// duplicate.
func EnsureEndpoint(ctx context.Context, c *tenantapi.Client, user tenantapi.Credentials, moID string,
	list []tenantapi.RemoteAccessConfig, want tenantapi.RemoteAccessConfig, resendSecret bool) (*tenantapi.RemoteAccessConfig, EndpointChange, error) {
	have, _ := FindEndpoint(list, want.Name)
	if have == nil {
		got, err := c.CreateRemoteAccessConfig(ctx, user, moID, want)
		if err != nil {
			return nil, Unchanged, fmt.Errorf("creating the endpoint %q failed: %s", want.Name, tenantapi.Explain(err))
		}
		if got.ID == "" {
			return nil, Created, fmt.Errorf("the tenant created the endpoint %q but sent no id", want.Name)
		}
		return got, Created, nil
	}
	if sameVisible(*have, want) && !resendSecret {
		return have, Unchanged, nil
	}
	want.ID = have.ID
	got, err := c.UpdateRemoteAccessConfig(ctx, user, moID, want)
	if err != nil {
		return nil, Unchanged, fmt.Errorf("updating the endpoint %q failed: %s", want.Name, tenantapi.Explain(err))
	}
	if got.ID == "" {
		got.ID = have.ID
	}
	return got, Updated, nil
}

// SupportsProtocols reports whether the device's managed object lets the
// UI offer SSH and PASSTHROUGH endpoints (absent means all) and lists the
// connect operation; the repair fragments when not.
func SupportsProtocols(mo map[string]any) (ok bool, repair map[string]any) {
	repair = map[string]any{}
	ops := strings_(mo["c8y_SupportedOperations"])
	if !slices.Contains(ops, "c8y_RemoteAccessConnect") {
		repair["c8y_SupportedOperations"] = append(ops, "c8y_RemoteAccessConnect")
	}
	if p, present := mo["c8y_RemoteAccessSupportedProtocols"]; present {
		protos := strings_(p)
		next := slices.Clone(protos)
		for _, want := range []string{"SSH", "PASSTHROUGH"} {
			if !slices.Contains(protos, want) {
				next = append(next, want)
			}
		}
		if len(next) != len(protos) {
			repair["c8y_RemoteAccessSupportedProtocols"] = next
		}
	} else {
		repair["c8y_RemoteAccessSupportedProtocols"] = []string{"SSH", "PASSTHROUGH"}
	}
	return len(repair) == 0, repair
}

func strings_(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
