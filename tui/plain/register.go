package plain

import (
	"context"
	"errors"
	"time"

	"github.com/edge-setup/edge-setup/steps"
)

// register waits for the registration, printing one line per status change.
// With a tenant user it offers to create the request and to accept it.
func (u *UI) register(ctx context.Context, reg *steps.Registration) error {
	u.println("")
	u.println("Edge device ID: " + reg.DeviceID)
	u.println("Tenant:         " + reg.URL)
	u.println("Register it at: " + reg.RegisterLink())
	create, accept := false, false
	if reg.CanManage() {
		var err error
		if create, err = u.yesNo("Create the registration request from this console if there is none? [Y/n]: ", true); err != nil {
			return err
		}
		if accept, err = u.yesNo("Accept the device from this console once it is pending? [Y/n]: ", true); err != nil {
			return err
		}
	} else {
		u.println("No tenant user was given: this console only learns that the device is accepted.")
		u.println("Register the ID in Device Management > Registration and accept it there; this waits by itself.")
	}
	u.println("Waiting (Ctrl+C stops waiting; the configuration stays saved).")
	// The machine decides; this prints its events. Its one question (register
	// a lost request again?) is answered on the channel it then waits on.
	answers := make(chan steps.RegCommand, 1)
	againFailed := false
	m := &steps.RegistrationMachine{Reg: reg, Auto: steps.RegAuto{Create: create, Accept: accept}, Emit: func(ev steps.RegEvent) {
		switch ev := ev.(type) {
		case steps.RegResumed:
			u.printf("%s  resumed the registration started %s (last status: %s)\n", u.clock(), ev.Started.Format("2006-01-02 15:04:05"), ev.Timeline.Current())
		case steps.RegRetrying:
			u.printf("%s  ! %s (retrying in %s)\n", u.clock(), ev.Err, ev.Next.Round(time.Second))
		case steps.RegWarning:
			u.printf("%s  ! %s\n", u.clock(), ev.Err)
		case steps.RegTenantWarning:
			u.printf("%s  ! %s\n", u.clock(), ev.Err)
		case steps.RegStatusChanged:
			u.printf("%s  %s\n", u.clock(), ev.Status)
		case steps.RegActionDone:
			if done := plainActionDone[ev.Action]; done != "" {
				u.act(done, nil)
			}
		case steps.RegActionFailed:
			u.act("", ev.Err)
			againFailed = ev.Action == steps.RegRegisterAgain
		case steps.RegFailed:
			if ev.CanRegisterAgain {
				answers <- u.registerAgain(ev.Err, againFailed)
			}
		}
	}}
	conn, err := m.Run(ctx, answers)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			u.println("Stopped waiting (the configuration stays saved): enter r at the menu to resume it.")
		} else {
			u.println("  x Registration stopped: " + err.Error())
		}
		return err
	}
	how := "found in the inventory"
	if conn.CreatedDevice {
		how = "created in the inventory"
	}
	u.printf("Connected to tenant %s as %s; managed object %s (%s).\n", conn.TenantID, conn.Username, conn.ManagedObjectID, how)
	if conn.Agent != "" {
		u.printf("Device credentials stored in %s (0600); edge-agent %s.\n", steps.CredentialsPath, conn.Agent)
	} else {
		u.printf("Device credentials in %s (stored earlier, proved now).\n", steps.CredentialsPath)
	}
	return nil
}

// plainActionDone is what plain mode prints when an action succeeded.
var plainActionDone = map[steps.RegAction]string{
	steps.RegCreate:        "registration request created",
	steps.RegAccept:        "acceptance sent from this console",
	steps.RegRegisterAgain: "registration request created again; waiting for the acceptance",
}

// registerAgain asks whether a lost registration is registered again (not
// after that already failed once).
func (u *UI) registerAgain(lost error, failedBefore bool) steps.RegCommand {
	if failedBefore {
		return steps.RegCommand{Action: steps.RegGiveUp}
	}
	u.println("  x " + lost.Error())
	again, err := u.yesNo("Delete the device request and register it again from this console? [Y/n]: ", true)
	if err != nil || !again {
		return steps.RegCommand{Action: steps.RegGiveUp}
	}
	return steps.RegCommand{Action: steps.RegRegisterAgain}
}

func (u *UI) act(done string, err error) {
	if err != nil {
		u.printf("%s  x %s\n", u.clock(), err)
		return
	}
	u.printf("%s  %s\n", u.clock(), done)
}

func (u *UI) clock() string {
	if u.env.Now == nil {
		return time.Now().Format("15:04:05")
	}
	return u.env.Now().Format("15:04:05")
}
