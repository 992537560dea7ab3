package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/edge-setup/edge-setup/steps/databroker"
	"github.com/edge-setup/edge-setup/steps/options"
	"github.com/edge-setup/edge-setup/steps/stepstest"
)

func TestDataBrokerStatus(t *testing.T) {
	cleanEnv(t)
	if code, _, stderr := runCmd(t, "--root", t.TempDir(), "databroker", "status"); code != exitFailed || !strings.Contains(stderr, "option 2") {
		t.Fatalf("without option 2: exit %d %s", code, stderr)
	}
	if code, _, _ := runCmd(t, "databroker", "list"); code != exitUsage {
		t.Fatalf("unknown subcommand: exit %d", code)
	}
	bw := stepstest.WithDataBroker(t, stepstest.New(t))
	b, err := options.NewDataBroker(bw.Env, nil)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := databroker.NewWanted("Edge A", "", "m,a", databroker.ScopeAll, nil, "", bw.URL)
	_, c, err := b.Ensure(context.Background(), w)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"--root", bw.Env.Root, "--edge-url", bw.EdgeServer.URL, "databroker", "status"}
	code, stdout, stderr := runCmd(t, args...)
	if code != exitOK || !strings.Contains(stdout, "Edge A  [Waiting]") || !strings.Contains(stdout, "shares measurements, alarms of all devices") ||
		!strings.Contains(stdout, "No operations from the cloud in the last hour") {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = runCmd(t, append(args, "--json")...)
	var r databroker.Report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil || code != exitOK {
		t.Fatalf("exit %d, %v\n%s", code, err, stdout)
	}
	if r.Schema != 1 || len(r.Connectors) != 1 || r.Connectors[0].State != "Waiting" || r.Connectors[0].Target != bw.URL ||
		r.Connectors[0].Operations == nil || !strings.Contains(stdout, `"operationsFromCloud"`) {
		t.Fatalf("report %+v", r)
	}
	if strings.Contains(stdout, c.Code) {
		t.Fatal("the security code is in the status output")
	}
}

// TestDataBrokerStatusInterrupted: a signal while the Edge does not answer
// ends `databroker status` with 130, as the README says.
func TestDataBrokerStatusInterrupted(t *testing.T) {
	cleanEnv(t)
	bw := stepstest.WithDataBroker(t, stepstest.New(t))
	arrived := make(chan struct{})
	var once sync.Once
	silent := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(arrived) })
		<-r.Context().Done() // never answers
	}))
	defer silent.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- runDataBroker(ctx, &globals{root: bw.Env.Root, edgeURL: silent.URL}, []string{"status"}, &out, &errb)
	}()
	<-arrived // the read is under way: now the signal
	cancel()
	if code := <-done; code != exitCanceled || !strings.Contains(errb.String(), "interrupted") {
		t.Fatalf("exit %d, want %d: %s", code, exitCanceled, errb.String())
	}
}
