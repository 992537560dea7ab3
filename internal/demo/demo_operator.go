package demo

import (
	"context"
	"fmt"
)

// Operator plays the demo tenant's operator for a device ID (key o on the
// registration screen): the demo has no web UI, so without it a
// registration with the tenant user left blank could never be accepted.
// It does the next thing an operator in Device Management would do.
func (d *Demo) Operator(_ context.Context, deviceID string) (string, error) {
	st, ok := d.sim.RequestStatus(deviceID)
	switch {
	case !ok:
		if err := d.sim.CreateRequest(deviceID); err != nil {
			return "", fmt.Errorf("the demo tenant did not take the registration: %w", err)
		}
		return "the tenant's operator registered " + deviceID + " in Device Management > Registration; the device's next request makes it pending.", nil
	case st == "PENDING_ACCEPTANCE":
		if err := d.sim.Accept(deviceID); err != nil {
			return "", fmt.Errorf("the demo tenant did not accept the device: %w", err)
		}
		return "the tenant's operator accepted " + deviceID + "; the device receives its credentials with its next request.", nil
	case st == "WAITING_FOR_CONNECTION":
		return "the request waits for the device's next request (press r to send it now); then press o again to accept.", nil
	}
	return "the request is " + st + ": nothing for the tenant's operator to do.", nil
}

// SecondShell is what a second shell needs to act on this demo while the
// menu runs: the root (the configured tenant URL and bootstrap password are
// in its edge-agent.properties once option 7 ran) and the tenant user.
func (d *Demo) SecondShell() []string {
	return []string{
		"DEMO bootstrap password " + d.bootstrap + " (preset in the sandbox's edge-agent.properties)",
		"DEMO from a second shell, while this runs: C8Y_USER=" + demoUser + " C8Y_PASSWORD=" + demoPassword +
			" edge-setup --root " + d.root + " register --accept",
	}
}

// Finished is the line left on the terminal after the demo's screen.
func (d *Demo) Finished() string {
	if d.temp {
		return "Demo finished; its sandbox root " + d.root + " is removed."
	}
	return "Demo finished; its files stay under " + d.root + "."
}
