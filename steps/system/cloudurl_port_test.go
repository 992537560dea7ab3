package system_test

import (
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/steps/system"
)

// A port out of range is refused at the prompt in words, not later by the
// dialer as "address 99999: invalid port".
func TestCloudURLPortOutOfRange(t *testing.T) {
	for _, in := range []string{"https://acme.com:99999", "https://acme.com:0", "http://localhost:65536"} {
		_, err := system.NormalizeCloudURL(in)
		if err == nil || !strings.Contains(err.Error(), "1 to 65535") || strings.Contains(err.Error(), "invalid port") {
			t.Errorf("%s: %v", in, err)
		}
	}
	if got, err := system.NormalizeCloudURL("http://localhost:65535"); err != nil || got != "http://localhost:65535" {
		t.Errorf("65535: %q %v", got, err)
	}
}
