package remoteaccess

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/tenantapi"
)

// FuzzConnectFragment: any c8y_RemoteAccessConnect fragment (outside
// input) is taken or refused with a reason, never a panic; what is taken
// is a real port, and the allow-list permits only what it lists.
func FuzzConnectFragment(f *testing.F) {
	for _, s := range []string{
		`{"hostname":"127.0.0.1","port":22,"connectionKey":"k"}`,
		`{"hostname":"localhost","port":"22","connectionKey":"k"}`,
		`{"hostname":"0.0.0.0","port":1e9,"connectionKey":"k"}`,
		`{"hostname":"[::1]","port":-1,"connectionKey":""}`,
		`{"hostname":7,"port":22.5,"connectionKey":["k"]}`,
		`null`, `[]`, `{"hostname":"\u001b[2J","port":"0x16","connectionKey":"k"}`,
	} {
		f.Add(s)
	}
	l := AllowList{Entries: []string{"127.0.0.1:22"}}
	f.Fuzz(func(t *testing.T, fragment string) {
		var v any
		if json.Unmarshal([]byte(fragment), &v) != nil {
			return
		}
		op := tenantapi.Operation{ID: "1", Fragments: map[string]any{tenantapi.FragmentRemoteAccessConnect: v}}
		c, err := parseConnect(op)
		if err != nil {
			if strings.ContainsRune(err.Error(), '\x1b') && !strings.Contains(fragment, `\u001b`) {
				t.Fatalf("reason %q", err)
			}
			return
		}
		if c.Port < 1 || c.Port > 65535 || c.Key == "" || c.Host == "" {
			t.Fatalf("took %+v", c)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // names are not looked up in a fuzz run
		addr, err := l.Permit(ctx, c.Host, c.Port)
		if err == nil && addr != "127.0.0.1:22" {
			t.Fatalf("%+v permitted as %s", c, addr)
		}
		if err != nil && strings.ContainsRune(err.Error(), '\x1b') {
			t.Fatalf("refusal shows an escape: %q", err)
		}
	})
}

// FuzzAllowListLine: a line of the allow-list file either parses to a
// HOST:PORT that parses again to itself, or is refused.
func FuzzAllowListLine(f *testing.F) {
	for _, s := range []string{"127.0.0.1:22", "[::1]:22", "LocalHost.:2222", "a:0", ":22", "[::ffff:127.0.0.1]:22"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		e, err := ParseHostPort(line)
		if err != nil {
			return
		}
		again, err := ParseHostPort(e)
		if err != nil || again != e {
			t.Fatalf("%q -> %q -> %q, %v", line, e, again, err)
		}
	})
}
