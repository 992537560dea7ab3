package registration_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps/registration"
	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/tenantapi"
	"github.com/edge-setup/edge-setup/tenantapi/tenantsim"
)

// The tenant issues the device credentials once. These tests take them
// away in each way the review found and check that they are never dropped
// while the process lives, and that a loss is named instead of waited for.

// acceptWhenPending accepts the request as soon as the device has polled.
func acceptWhenPending(fw *faultWorld) bool {
	if st, _ := fw.Sim.RequestStatus(fw.id); st == tenantsim.StatusPending {
		return fw.Sim.Accept(fw.id) == nil
	}
	return false
}

// agentPoll is the Edge agent polling with the same bootstrap user.
func agentPoll(t *testing.T, fw *faultWorld) *tenantapi.DeviceCredentials {
	t.Helper()
	c, err := fw.Env.NewClient(fw.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	dc, err := c.RequestDeviceCredentials(context.Background(), tenantapi.Bootstrap("", "", stepstest.BootstrapPassword), fw.id)
	if err != nil {
		t.Fatalf("the agent's poll: %v", err)
	}
	return dc
}

// (b) storing fails (a directory where credentials.properties goes): the
// credentials stay in memory, the store is retried and succeeds once the
// directory is gone; the tenant is not asked again.
func TestCredentialsKeptInMemoryWhileTheStoreFails(t *testing.T) {
	fw := newFaultWorld(t, nil)
	credPath := fw.Env.Props.Path(edgeprops.CredentialsFile)
	accepted := false
	run := fw.runWait(t, func(fw *faultWorld, run *waitRun, n int) {
		if !accepted {
			if accepted = acceptWhenPending(fw); accepted {
				// at that moment something puts a directory in the way
				if err := os.MkdirAll(credPath, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			return
		}
		if retries := len(retryErrors(run)); retries == 3 {
			_ = os.Remove(credPath) // the operator moves the directory away
		}
	})
	if run.err != nil {
		t.Fatalf("Wait: %v", run.err)
	}
	errs := retryErrors(run)
	if len(errs) < 3 || !strings.Contains(errs[0], "could not be stored") || !strings.Contains(errs[0], "keeps them in memory") {
		t.Fatalf("retries = %q, want the store failure named", errs)
	}
	if n := fw.Sim.CountRequests("POST", "/devicecontrol/deviceCredentials"); n == 0 {
		t.Fatal("no poll")
	}
	user, pw, ok := fw.Sim.DeviceCredentialsIssued(fw.id)
	creds, _, _ := fw.Env.Props.LoadCredentials()
	if !ok || creds.Username != user || creds.Password != pw {
		t.Errorf("stored %q, issued %q (ok %v): the issued credentials were not kept", creds.Username, user, ok)
	}
	checkFiles(t, fw.Env, true)
}

// (c) another poller (the Edge agent) fetched the credentials and stored
// them: the wait notices them in credentials.properties and connects.
func TestCredentialsStoredByTheAgentAreNoticed(t *testing.T) {
	fw := newFaultWorld(t, nil)
	done := false
	run := fw.runWait(t, func(fw *faultWorld, run *waitRun, n int) {
		if done || !acceptWhenPending(fw) {
			return
		}
		done = true
		dc := agentPoll(t, fw) // the agent wins the race
		if err := edgeprops.WriteFileAtomic(fw.Env.Props.Path(edgeprops.CredentialsFile),
			[]byte("c8y.tenant="+dc.TenantID+"\nc8y.username="+dc.Username+"\nc8y.password="+dc.Password+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	})
	if run.err != nil || run.conn == nil {
		t.Fatalf("Wait: %v", run.err)
	}
	if run.conn.TenantID != stepstest.TenantID || run.conn.ManagedObjectID == "" {
		t.Errorf("connection = %+v", run.conn)
	}
}

// (c) without a hand that stores them: with a tenant user the console saw
// the acceptance, the request is gone and the credentials never came. Wait
// stops with the explanation (not "not accepted yet" forever), and
// RegisterAgain plus a new acceptance connects.
func TestCredentialsTakenByAnotherPollerAreReportedLost(t *testing.T) {
	fw := newFaultWorld(t, nil)
	admin := tenantapi.Credentials{User: stepstest.AdminUser, Password: stepstest.AdminPassword}
	fw.reg.Tenant = &admin
	taken := false
	run := fw.runWait(t, func(fw *faultWorld, run *waitRun, n int) {
		if taken || fw.reg.Accept(context.Background()) != nil {
			return
		}
		taken = true
		agentPoll(t, fw) // and drops them
	})
	if !errors.Is(run.err, registration.ErrCredentialsLost) {
		t.Fatalf("Wait: %v, want ErrCredentialsLost", run.err)
	}
	for _, want := range []string{"the tenant issued the credentials but they did not arrive", "delete the device request and register again", "this console can do it"} {
		if !strings.Contains(run.err.Error(), want) {
			t.Errorf("message %q lacks %q", run.err, want)
		}
	}
	if len(run.sleeps) > 20 {
		t.Errorf("%d polls before the loss was named", len(run.sleeps))
	}
	if err := fw.reg.RegisterAgain(context.Background()); err != nil {
		t.Fatalf("RegisterAgain: %v", err)
	}
	run = fw.runWait(t, func(fw *faultWorld, run *waitRun, n int) { acceptWhenPending(fw) })
	if run.err != nil {
		t.Fatalf("Wait after RegisterAgain: %v", run.err)
	}
	checkFiles(t, fw.Env, true)
}

// (a) the success answer with the credentials is cut off mid-body: even
// without a tenant user the device knows the tenant issued them, and says
// they are lost instead of waiting.
func TestCutOffCredentialsAnswerIsReportedLost(t *testing.T) {
	fw := newFaultWorld(t, nil)
	faulted := false
	run := fw.runWait(t, func(fw *faultWorld, run *waitRun, n int) {
		if !faulted && acceptWhenPending(fw) {
			faulted = true
			fw.Sim.SetFault(tenantsim.Fault{PathPrefix: "/devicecontrol/deviceCredentials", Count: 1, Truncate: true})
		}
	})
	if !errors.Is(run.err, registration.ErrCredentialsLost) || !strings.Contains(run.err.Error(), "broke off") {
		t.Fatalf("Wait: %v, want lost credentials (the answer broke off)", run.err)
	}
	if !strings.Contains(run.err.Error(), "Device Management") {
		t.Errorf("without a tenant user the message should say where to register again: %v", run.err)
	}
	checkFiles(t, fw.Env, false)
}

// The tenantsim models the platform: the request is gone once the
// credentials are handed out, and a second poll gets 404.
func TestTenantsimRemovesTheRequestOnceCredentialsAreIssued(t *testing.T) {
	fw := newFaultWorld(t, nil)
	if _, err := fw.reg.Client.RequestDeviceCredentials(context.Background(), fw.reg.Bootstrap, fw.id); !errors.Is(err, tenantapi.ErrNotYetAccepted) {
		t.Fatalf("first poll: %v", err)
	}
	if err := fw.Sim.Accept(fw.id); err != nil {
		t.Fatal(err)
	}
	agentPoll(t, fw)
	if _, ok := fw.Sim.RequestStatus(fw.id); ok {
		t.Error("the request is still there after the credentials were issued")
	}
	if _, err := fw.reg.Client.RequestDeviceCredentials(context.Background(), fw.reg.Bootstrap, fw.id); !errors.Is(err, tenantapi.ErrNotYetAccepted) {
		t.Errorf("second poll: %v, want 404", err)
	}
}
