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
	onUpdate := func(up registration.WaitUpdate) {
		switch {
		case up.Resumed != nil:
			u.printf("%s  resumed the registration started %s (last status: %s)\n", u.clock(), up.Resumed.Format("2006-01-02 15:04:05"), up.Status)
		case up.Retrying != nil:
			u.printf("%s  ! %s (retrying in %s)\n", u.clock(), up.Retrying, up.Next.Round(time.Second))
		case up.Warning != nil:
			u.printf("%s  ! %s\n", u.clock(), up.Warning)
		case up.Status != "":
			u.printf("%s  %s\n", u.clock(), up.Status)
			if up.Status == registration.StatusNotRegistered && create {
				create = false
				u.act("registration request created", reg.CreateRequest(ctx))
			}
			if up.Status == registration.StatusPending && accept {
				u.act("acceptance sent from this console", reg.Accept(ctx))
			}
		}
	}
	conn, err := reg.Wait(ctx, onUpdate, nil)
	for errors.Is(err, registration.ErrCredentialsLost) && reg.CanManage() {
		u.println("  x " + err.Error())
		again, yerr := u.yesNo("Delete the device request and register it again from this console? [Y/n]: ", true)
		if yerr != nil || !again {
			break
		}
		if aerr := reg.RegisterAgain(ctx); aerr != nil {
			u.act("", aerr)
			break
		}
		u.printf("%s  registration request created again; waiting for the acceptance\n", u.clock())
		conn, err = reg.Wait(ctx, onUpdate, nil)
	}
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
		u.printf("Device credentials stored in %s (0600); edge-agent %s.\n", registration.CredentialsPath, conn.Agent)
	} else {
		u.printf("Device credentials in %s (stored earlier, proved now).\n", registration.CredentialsPath)
	}
	return nil
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
