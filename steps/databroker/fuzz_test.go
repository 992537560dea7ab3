package databroker

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/edge-setup/edge-setup/steps/safetext"
	"github.com/edge-setup/edge-setup/tenantapi"
	wire "github.com/edge-setup/edge-setup/tenantapi/databroker"
)

// FuzzBrokerJSON feeds the Data Broker answers the client parses (a
// connector list, an operation from the cloud) from a hostile Edge: no
// panic, and everything B would show is one safe line without the URL's
// user information, the security code never in String().
func FuzzBrokerJSON(f *testing.F) {
	f.Add([]byte(`{"connectors":[{"id":"1","name":"To cloud","instanceUrl":"https://u:pw@cloud.example.com","status":"ACTIVE","destinationStatus":"SUSPENDED","code":"ABC123DEF456","filters":[{"apis":["measurement","*"],"sourceId":"7","fragmentsToCopy":["c8y_T"],"typeFilter":"t"}],"lastSynchronizationTime":"2026-01-02T03:04:05Z"}]}`))
	f.Add([]byte(`{"id":"9","deviceId":"7","status":"FAILED","failureReason":"x\u001b[2Jy","c8y_BrokerOperation":{"connectorId":"1","operationId":"55"},"description":"Restart"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var list struct {
			Connectors []wire.Connector `json:"connectors"`
		}
		if json.Unmarshal(data, &list) == nil {
			for _, c := range list.Connectors {
				s := Safe(c)
				st := StateOf(c)
				for _, shown := range []string{s.Name, s.Description, s.InstanceURL, s.SuspendReason, st.Name, st.Meaning, Shares(c, nil)} {
					if safetext.Line(shown) != shown || !utf8.ValidString(shown) {
						t.Fatalf("unsafe text shown: %q", shown)
					}
				}
				if u, err := url.Parse(c.InstanceURL); err == nil && u.User != nil {
					pw, _ := u.User.Password()
					rest := u.Scheme + u.User.Username() + u.Host + u.Path + u.RawQuery + u.Fragment
					if len(pw) >= 4 && strings.Contains(s.InstanceURL, pw) && !strings.Contains(rest, pw) {
						t.Fatalf("password of %q shown: %q", c.InstanceURL, s.InstanceURL)
					}
				}
				if c.Code != "" && len(c.Code) > 3 && strings.Contains(c.String(), c.Code) && !strings.Contains(c.ID+c.Name+c.InstanceURL+c.Status+c.DestinationStatus, c.Code) {
					t.Fatalf("String() shows the security code: %s", c.String())
				}
			}
		}
		var op tenantapi.Operation
		if json.Unmarshal(data, &op) == nil {
			o := CloudOperation{Device: safeLine(op.DeviceID), What: operationWhat(op), Status: safeLine(op.Status), FailureReason: safeLine(op.FailureReason)}
			if l := o.Line(); safetext.Line(l) != l || !utf8.ValidString(l) {
				t.Fatalf("unsafe operation line: %q", l)
			}
		}
	})
}
