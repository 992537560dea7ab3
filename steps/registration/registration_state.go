package registration

import (
	"time"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/system"
)

// registrationStateName is the state file (under edgeprops.StateDir) that
// lets a registration left while waiting be resumed where it was.
const registrationStateName = "registration"

// RegistrationProgress is what is kept of a registration in progress.
// It holds no secret.
type RegistrationProgress struct {
	URL      string    `json:"url"`
	DeviceID string    `json:"deviceId"`
	Started  time.Time `json:"started"`
	Timeline Timeline  `json:"timeline"`
}

// PendingRegistration returns the registration in progress, if any.
func PendingRegistration(env *steps.Env) (*RegistrationProgress, bool) {
	var p RegistrationProgress
	ok, err := env.Props.ReadState(registrationStateName, &p)
	if err != nil || !ok || p.URL == "" {
		return nil, false
	}
	return &p, true
}

// Progress returns the kept progress of this registration (same tenant and
// device), or a fresh one starting now.
func (r *Registration) Progress() *RegistrationProgress {
	if p, ok := PendingRegistration(r.Env); ok && p.DeviceID == r.DeviceID && system.SameHost(p.URL, r.URL) {
		return p
	}
	return &RegistrationProgress{URL: r.URL, DeviceID: r.DeviceID, Started: r.Env.CurrentTime()}
}

// SaveProgress keeps the progress so that leaving and starting again
// resumes the workflow. Errors are returned for the caller to show; losing
// progress never stops a registration.
func (r *Registration) SaveProgress(p *RegistrationProgress) error {
	return r.Env.Props.WriteState(registrationStateName, p)
}

// ClearProgress forgets the progress once the device is connected.
func (r *Registration) ClearProgress() error {
	return r.Env.Props.WriteState(registrationStateName, RegistrationProgress{})
}
