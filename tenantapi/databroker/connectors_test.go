package databroker

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestConnectorDecodesAndHidesItsCode(t *testing.T) {
	var c Connector
	raw := `{"id":"7","name":"A","instanceUrl":"https://c","status":"ACTIVE","destinationStatus":"SUSPENDED","code":"SECRETCODE12",
		"password":"broker-pw","lastSynchronizationTime":"2026-01-02T03:04:05.000Z","filters":[{"apis":["measurement"],"fragmentsToCopy":null}]}`
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		t.Fatal(err)
	}
	if c.Code != "SECRETCODE12" || c.LastSync.IsZero() || c.Filters[0].FragmentsToCopy != nil || c.DestinationStatus != "SUSPENDED" {
		t.Fatalf("%#v", c)
	}
	for _, s := range []string{c.String(), fmt.Sprintf("%v", c), fmt.Sprintf("%#v", c), fmt.Sprintf("%+v", c)} {
		if strings.Contains(s, "SECRETCODE12") || strings.Contains(s, "broker-pw") {
			t.Errorf("printed connector shows a secret: %s", s)
		}
	}
	// The body sent for a new connector: copy all fragments is null, not [].
	body, _ := json.Marshal(wireConnector{Name: "A", InstanceURL: "https://c", Filters: []Filter{{APIs: []string{"alarm"}}}})
	if !strings.Contains(string(body), `"fragmentsToCopy":null`) || strings.Contains(string(body), `"code"`) || strings.Contains(string(body), `"status"`) {
		t.Fatalf("create body %s", body)
	}
}
