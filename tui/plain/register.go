package plain

import (
	"context"
	"errors"
	"time"

	"github.com/edge-setup/edge-setup/steps/registration"
)

// register waits for the registration, printing one line per status change.
// With a tenant user it offers to create the request and to accept it.
func (u *UI) register(ctx context.Context, reg *registration.Registration) error {
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
	answers := make(chan registration.RegCommand, 1)
	againFailed := false
	m := &registration.RegistrationMachine{Reg: reg, Auto: registration.RegAuto{Create: create, Accept: accept}, Emit: func(ev registration.RegEvent) {
		switch ev := ev.(type) {
		case registration.RegResumed:
			u.printf("%s  resumed the registration started %s (last status: %s)\n", u.clock(), ev.Started.Format("2006-01-02 15:04:05"), ev.Timeline.Current())
		case registration.RegRetrying:
			u.printf("%s  ! %s (retrying in %s)\n", u.clock(), ev.Err, ev.Next.Round(time.Second))
		case registration.RegWarning:
			u.printf("%s  ! %s\n", u.clock(), ev.Err)
		case registration.RegTenantWarning:
			u.printf("%s  ! %s\n", u.clock(), ev.Err)
		case registration.RegStatusChanged:
			u.printf("%s  %s\n", u.clock(), ev.Status)
		case registration.RegActionDone:
			if done := plainActionDone[ev.Action]; done != "" {
				u.act(done, nil)
			}
		case registration.RegActionFailed:
			u.act("", ev.Err)
			againFailed = ev.Action == registration.RegRegisterAgain
		case registration.RegFailed:
			if ev.CanRegisterAgain {
				answers <- u.registerAgain(ev.Err, againFailed)
			}
		}
	}}
	conn, err := m.Run(ctx, answers)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			u.println("Stopped waiting (the configuration stays saved): start edge-setup again and enter r at the menu to resume it.")
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
		u.printf("Device credentials stored in %s (0600); edge-agent %s.\n", registration.CredentialsPath, conn.Agent)
	} else {
		u.printf("Device credentials in %s (stored earlier, proved now).\n", registration.CredentialsPath)
	}
	return nil
}

// plainActionDone is what plain mode prints when an action succeeded.
var plainActionDone = map[registration.RegAction]string{
	registration.RegCreate:        "registration request created",
	registration.RegAccept:        "acceptance sent from this console",
	registration.RegRegisterAgain: "registration request created again; waiting for the acceptance",
}

// registerAgain asks whether a lost registration is registered again (not
// after that already failed once).
func (u *UI) registerAgain(lost error, failedBefore bool) registration.RegCommand {
	if failedBefore {
		return registration.RegCommand{Action: registration.RegGiveUp}
	}
	u.println("  x " + lost.Error())
	again, err := u.yesNo("Delete the device request and register it again from this console? [Y/n]: ", true)
	if err != nil || !again {
		return registration.RegCommand{Action: registration.RegGiveUp}
	}
	return registration.RegCommand{Action: registration.RegRegisterAgain}
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
