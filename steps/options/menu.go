package options

import (
	"strings"

	"github.com/edge-setup/edge-setup/steps"
)

// ExitNumber is the menu number of "Exit".
const ExitNumber = 9

// All returns the post-installation options in menu order (Exit, 9, is the
// front end's business).
func All() []steps.Step {
	return []steps.Step{
		Network{},
		PostInstall{},
		UpdateCertificates{},
		PostUpgrade{},
		ExpandDisk{},
		TenantPassword{},
		EdgeAgent{},
		MicroserviceHosting{},
	}
}

// Letters returns the menu entries chosen by a letter, in menu order.
func Letters() []Lettered {
	return []Lettered{RemoteAccess{}}
}

// ByLetter returns the lettered entry for l (any case), or nil.
func ByLetter(l string) Lettered {
	for _, s := range Letters() {
		if strings.EqualFold(s.Letter(), l) {
			return s
		}
	}
	return nil
}

// ByNumber returns the step with number n (lettered entries have one too), or nil.
func ByNumber(n int) steps.Step {
	for _, s := range All() {
		if s.Number() == n {
			return s
		}
	}
	for _, s := range Letters() {
		if s.Number() == n {
			return s
		}
	}
	return nil
}

// MenuRules are the rules printed with the menu, as in the reference script.
var MenuRules = []string{
	"Option 1 is the first thing to do on a new VM, and again whenever the hypervisor network changes.",
	"Options 3, 4 and 6 work only after option 2 has completed successfully.",
	"Options 1 and 4 must be run from the VM console, not over a remote connection such as SSH.",
}

// StableTitle names an option the same way whatever its state: option 8's
// menu text flips between "Enable" and "Disable", which would make a status
// line read as an instruction (and JSON consumers see a changing title).
func StableTitle(st steps.Step, env *steps.Env) string {
	if n, ok := st.(interface{ StableTitle() string }); ok {
		return n.StableTitle()
	}
	return st.Title(env)
}
