package tui_test

import (
	"testing"

	"github.com/edge-setup/edge-setup/steps/stepstest"
)

// dataBrokerCases create a connector on the Edge's Data Broker towards the
// world's tenant and follow its link until it is active.
var dataBrokerCases = []parityCase{
	{
		name: "B a new connector", option: "b", openKeys: []string{"n"}, openWait: "Press n to create",
		formWait: "Enter a title for the connector", done: "✓ Active",
		plainDone: "Active: the cloud's virtual group is Edge A",
		setup:     func(t *testing.T, w *stepstest.World) { stepstest.WithDataBroker(t, w) },
		lines: func(*stepstest.World) []string {
			return []string{"\x15Edge A", "", "\x15measurements, alarms", "", "", "", stepstest.AdminUser, stepstest.AdminPassword}
		},
		answers: func(*stepstest.World) string {
			return "options:\n  - option: B\n    databroker: Edge A\n    answers: {share: \"measurements, alarms\", devices: all, tenant_user: " +
				stepstest.AdminUser + ", tenant_password: " + stepstest.AdminPassword + "}\n"
		},
	},
}

func init() { parityCases = append(parityCases, dataBrokerCases...) }
