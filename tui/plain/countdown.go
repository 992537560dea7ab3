package plain

import (
	"fmt"
	"time"

	"github.com/edge-setup/edge-setup/steps"
)

// waitLineEvery: plain mode redraws a wait each second but prints its
// seconds left only every so many, so a serial console's log stays short.
const waitLineEvery = 5

// redrawWaits redraws the running step's wait (a steps.Waiting event)
// on each tick until stop; the step alone decides what it waits for and
// until when.
func (u *UI) redrawWaits() (stop func()) {
	ticks := u.ticks
	var ticker *time.Ticker
	if ticks == nil {
		ticker = time.NewTicker(time.Second)
		ticks = ticker.C
	}
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-quit:
				return
			case <-ticks:
				u.redrawWait()
			}
		}
	}()
	return func() {
		close(quit)
		<-done
		if ticker != nil {
			ticker.Stop()
		}
		u.waitMu.Lock()
		u.wait = steps.Event{}
		u.waitMu.Unlock()
	}
}

// showWait prints a wait as it starts: what it waits for and the seconds left.
func (u *UI) showWait(e steps.Event) {
	u.wait, u.waitShown = e, e.SecondsLeft(u.now())
	u.printf("  [wait]    %s · %d s left · Ctrl+C stops\n", e.Detail, u.waitShown)
}

func (u *UI) redrawWait() {
	u.waitMu.Lock()
	defer u.waitMu.Unlock()
	if u.wait.Kind != steps.Waiting {
		return
	}
	left := u.wait.SecondsLeft(u.now())
	if left == u.waitShown || left%waitLineEvery != 0 {
		return
	}
	u.waitShown = left
	u.println(fmt.Sprintf("  [wait]    %d s left", left))
}

func (u *UI) now() time.Time {
	if u.env.Now == nil {
		return time.Now()
	}
	return u.env.Now()
}
