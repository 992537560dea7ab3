package steps

import (
	"context"
	"strings"
	"testing"
)

// A command edge-setup runs (systemctl and every other) gets a clean
// environment: the passwords edge-setup was given through the environment
// never reach it; PATH and the language do. env(1) only prints.
func TestCommandsGetACleanEnvironment(t *testing.T) {
	t.Setenv("C8Y_PASSWORD", "tenant-s3cret")
	t.Setenv("C8Y_BOOTSTRAP_PASSWORD", "bootstrap-s3cret")
	t.Setenv("C8Y_USER", "admin")
	t.Setenv("https_proxy", "http://user:proxy-s3cret@127.0.0.1:3128")
	t.Setenv("LC_ALL", "C.UTF-8")
	r := &Runner{Root: t.TempDir(), Execute: true}
	out, err := r.Run(context.Background(), nil, Command{Name: "env"})
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"s3cret", "C8Y_", "proxy"} {
		if strings.Contains(out, secret) {
			t.Errorf("the command's environment holds %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{"PATH=", "LC_ALL=C.UTF-8"} {
		if !strings.Contains(out, want) {
			t.Errorf("the command's environment lacks %s:\n%s", want, out)
		}
	}
}
