package tui_test

import (
	"testing"

	"github.com/edge-setup/edge-setup/steps/registration"
	"github.com/edge-setup/edge-setup/steps/stepstest"
)

// registrationCases register the Edge with the tenant from this console.
var registrationCases = []parityCase{
	{
		name: "7 with a tenant user, created and accepted", setup: func(*testing.T, *stepstest.World) {}, option: "7",
		done: "Connected to tenant " + stepstest.TenantID,
		lines: func(w *stepstest.World) []string {
			return []string{"\x15" + w.URL, stepstest.AdminUser, stepstest.AdminPassword}
		},
		tuiAfter: func(d *driver) {
			d.waitFor(registration.StatusNotRegistered)
			d.key("c")
			d.waitFor(registration.StatusPending)
			d.key("a")
		},
		plainAfter: []string{"", ""}, // create it, accept it: [Y/n]
		answers: func(w *stepstest.World) string {
			return "options:\n  - option: 7\n    answers: {cloud_url: \"" + w.URL + "\", tenant_user: " + stepstest.AdminUser +
				", tenant_password: " + stepstest.AdminPassword + "}\n    register: {wait: true, create: true, accept: true}\n"
		},
	},
}

func init() { parityCases = append(parityCases, registrationCases...) }
