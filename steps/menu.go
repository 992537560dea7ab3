package steps

// ExitNumber is the menu number of "Exit".
const ExitNumber = 9

// All returns the post-installation options in menu order (Exit, 9, is the
// front end's business).
func All() []Step {
	return []Step{
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

// ByNumber returns the step with menu number n, or nil.
func ByNumber(n int) Step {
	for _, s := range All() {
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
