package plain_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/registration"
	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/tui/plain"
)

// A registration left while pending and resumed from a serial console with
// a tenant user (C8Y_USER): "accept from this console" accepts it, though
// its status is no change from the one kept (acting on changes only, plain
// mode waited for an acceptance it never sent).
func TestResumedPendingRegistrationIsAcceptedFromTheConsole(t *testing.T) {
	w := stepstest.New(t)
	w.Vars["C8Y_USER"], w.Vars["C8Y_PASSWORD"] = stepstest.AdminUser, stepstest.AdminPassword
	tr, err := stepstest.Drive(context.Background(), w.Env, options.EdgeAgent{}, w.URL, stepstest.AdminUser, stepstest.AdminPassword)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := options.EdgeAgent{}.NewRegistration(w.Env, tr.Answers)
	if err != nil || reg == nil {
		t.Fatalf("NewRegistration: %v", err)
	}
	// The first session created the request and left once it was pending.
	ctx, cancel := context.WithCancel(context.Background())
	seen := ""
	m := &registration.RegistrationMachine{Reg: reg, Auto: registration.RegAuto{Create: true},
		Emit: func(ev registration.RegEvent) {
			if st, ok := ev.(registration.RegStatusChanged); ok {
				seen = st.Status
			}
		},
		Sleep: func(context.Context, time.Duration) error {
			if seen == registration.StatusPending {
				cancel()
			}
			return ctx.Err()
		}}
	if _, err := m.Run(ctx, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("first session: %v", err)
	}

	// The hang guard only: a resumed registration that is accepted connects
	// within a few polls.
	rctx, rcancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer rcancel()
	var out bytes.Buffer
	err = plain.New(plain.Options{Env: w.Env, In: strings.NewReader("r\n\n\n\n9\n"), Out: &out}).Run(rctx)
	if err != nil && !errors.Is(err, plain.ErrInputEnded) {
		t.Fatalf("plain mode: %v\n%s", err, out.String())
	}
	s := out.String()
	if !strings.Contains(s, "acceptance sent from this console") || !strings.Contains(s, "Connected to tenant") {
		t.Fatalf("the resumed pending registration was not accepted:\n%s", s)
	}
}
