package databroker

import (
	"context"
	"fmt"
	"strings"
	"testing"

	wire "github.com/edge-setup/edge-setup/tenantapi/databroker"
)

// TestConnectorURLWithUserInfoIsRedacted: a connector whose target carries
// a user and password (made outside this console) never shows them: not in
// the list, the report, the delete warning, a refusal, or %v.
func TestConnectorURLWithUserInfoIsRedacted(t *testing.T) {
	w := newWorld(t, false)
	ctx := context.Background()
	target := strings.Replace(w.b.CloudURL, "://", "://broker:S3cret-pw@", 1)
	c, err := w.b.Edge.Create(ctx, wire.NewConnector{Name: "Made elsewhere", InstanceURL: target, Filters: []wire.Filter{{APIs: []string{"measurement"}}}})
	if err != nil {
		t.Fatal(err)
	}
	ov, err := w.b.Overview(ctx)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := NewWanted("Other", "", "m", ScopeAll, nil, "", target)
	_, _, ensureErr := w.b.Ensure(ctx, again)
	moved, _ := NewWanted("Made elsewhere", "", "m", ScopeAll, nil, "", "https://else.example.com")
	_, _, movedErr := w.b.Ensure(ctx, moved)
	shown := []string{fmt.Sprint(ov), fmt.Sprintf("%v %+v", *c, NewReport("", "", ov)), DeleteWarning(*c, w.b.CloudURL),
		fmt.Sprint(ensureErr), fmt.Sprint(movedErr)}
	for i, s := range shown {
		if strings.Contains(s, "S3cret-pw") || strings.Contains(s, "broker:") {
			t.Errorf("shown %d holds the URL's user information: %s", i, s)
		}
	}
	if !strings.Contains(ov.Connectors[0].Connector.InstanceURL, "://****@127.0.0.1") {
		t.Errorf("target shown as %q, want the host with the user information hidden", ov.Connectors[0].Connector.InstanceURL)
	}
}
