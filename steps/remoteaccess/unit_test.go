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
	for _, want := range []string{"KillMode=process", "SuccessExitStatus=130", "ExecStart=/usr/bin/edge-setup remote-access serve"} {
		if !strings.Contains(RelayUnit, "\n"+want) {
			t.Errorf("the unit lacks %s", want)
		}
	}
}

func TestRelayUnitStartsTheGivenBinary(t *testing.T) {
	for bin, want := range map[string]string{
		"/usr/local/bin/edge-setup": "\nExecStart=/usr/local/bin/edge-setup remote-access serve\n",
		"/opt/my tools/edge-setup":  "\nExecStart=\"/opt/my tools/edge-setup\" remote-access serve\n",
		"/opt/a\"b$c%d/edge-setup":  "\nExecStart=\"/opt/a\\\"b$$c%%d/edge-setup\" remote-access serve\n",
	} {
		if got := RelayUnitFor(bin); !strings.Contains(got, want) {
			t.Errorf("RelayUnitFor(%q) lacks %q:\n%s", bin, want, got)
		}
	}
}
