package plain_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/tui/plain"
)

// TestPlainDataBroker: B on a serial console: the list, a new connector
// linked with a cloud tenant user, the link's states as lines, then the
// list with the connector active; e 1 edits it ("," refused at its field).
func TestPlainDataBroker(t *testing.T) {
	bw := stepstest.WithDataBroker(t, stepstest.New(t))
	input := "b\nn\nEdge A\n\nmeasurements, alarms\nall\n\n\n" + stepstest.AdminUser + "\n" + stepstest.AdminPassword + "\ny\nb\n" +
		"e 1\n\n\n,\nm\n\n\n\ny\nb\n\n"
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := plain.New(plain.Options{Env: bw.Env, In: strings.NewReader(input), Out: &out}).Run(ctx)
	if err != nil && err != plain.ErrInputEnded {
		t.Fatalf("%v\n%s", err, out.String())
	}
	s := out.String()
	for _, want := range []string{
		"B - Data Broker: share Edge data with the cloud tenant",
		"The Edge shares no data with a cloud tenant yet.",
		"sharing measurements, alarms of all devices of the Edge",
		"  Not subscribed in the cloud tenant",
		"  Pending acceptance",
		"Active: the cloud's virtual group is Edge A",
		"1. Edge A [Active] to " + bw.URL + ": measurements, alarms of all devices",
		"choose at least one thing to share",
		"Shares: measurements, alarms -> measurements",
		"security code stay",
		"1. Edge A [Active] to " + bw.URL + ": measurements of all devices",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, stepstest.AdminPassword) || strings.Contains(s, "Security code") {
		t.Errorf("a secret or the code in the output:\n%s", s)
	}
}
