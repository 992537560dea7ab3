package remoteaccess

import (
	"os"
	"strings"
	"testing"
)

func TestRelayUnitIsTheDeployedOneAndKeepsSessions(t *testing.T) {
	data, err := os.ReadFile("../../deploy/systemd/edge-setup-remote-access.service")
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != RelayUnit {
		t.Fatal("RelayUnit and deploy/systemd/edge-setup-remote-access.service differ")
	}
	for _, want := range []string{"KillMode=process", "SuccessExitStatus=130", "ExecStart=/opt/c8y/utilities/edge-setup remote-access serve"} {
		if !strings.Contains(RelayUnit, "\n"+want) {
			t.Errorf("the unit lacks %s", want)
		}
	}
}
