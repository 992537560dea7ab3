package system

import (
	"fmt"
	"strconv"
	"time"

	"github.com/edge-setup/edge-setup/steps"
)

// CompletionState is the state file (edgeprops.StateDir/completed.json)
// recording which options completed and when; every option shares it.
const CompletionState = "completed"

// Completion is the content of the completion state file.
type Completion struct {
	// Options maps a menu number ("2") to the last successful run.
	Options map[string]OptionCompletion `json:"options"`
}

// OptionCompletion is one option's record.
type OptionCompletion struct {
	At      time.Time `json:"at"`
	Version string    `json:"version,omitempty"` // edge-setup version that ran it
}

// LoadCompletion reads the completion record (empty when none).
func LoadCompletion(env *steps.Env) (Completion, error) {
	var c Completion
	if _, err := env.Props.ReadState(CompletionState, &c); err != nil {
		return c, fmt.Errorf("reading the record of completed options: %w", err)
	}
	if c.Options == nil {
		c.Options = map[string]OptionCompletion{}
	}
	return c, nil
}

// RecordCompletion notes that option n completed now.
func RecordCompletion(env *steps.Env, n int) error {
	c, err := LoadCompletion(env)
	if err != nil {
		return err
	}
	c.Options[strconv.Itoa(n)] = OptionCompletion{At: env.CurrentTime().UTC(), Version: env.Version}
	if err := env.Props.WriteState(CompletionState, c); err != nil {
		return fmt.Errorf("recording that option %s completed: %w", steps.OptionName(n), err)
	}
	return nil
}

// Completed reports when option n last completed.
func Completed(env *steps.Env, n int) (time.Time, bool, error) {
	c, err := LoadCompletion(env)
	if err != nil {
		return time.Time{}, false, err
	}
	oc, ok := c.Options[strconv.Itoa(n)]
	return oc.At, ok, nil
}

// ErrPostInstallPending is the reason options 3, 4 and 6 give before option 2 ran.
const ErrPostInstallPending = "option 2 (Run post-installation) has not completed yet: run it first"

// RequirePostInstall refuses until option 2 has completed. An Edge set up by
// the old post_installation.sh has no record but a complete config.dat
// (admin user, password and domain): that counts as completed too, so an
// upgraded appliance is not sent back to option 2.
func RequirePostInstall(env *steps.Env) error {
	_, ok, err := Completed(env, 2)
	if err != nil {
		return err
	}
	if ok || legacyPostInstallDone(env) {
		return nil
	}
	return fmt.Errorf("%s", ErrPostInstallPending)
}

func legacyPostInstallDone(env *steps.Env) bool {
	d, err := env.Props.LoadConfigDat()
	if err != nil {
		return false
	}
	pw, err := d.AdminPassword()
	return err == nil && pw != "" && d.Get(steps.CfgAdminUser) != "" && d.Get(steps.CfgDomain) != ""
}

// RecordDone is the last sub-step of every option.
func RecordDone(env *steps.Env, t *steps.Tracker, n int) error {
	return t.Do("Record completion", func() (string, error) {
		return fmt.Sprintf("option %s completed", steps.OptionName(n)), RecordCompletion(env, n)
	})
}
