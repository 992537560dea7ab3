package options

import (
	"strings"
	"testing"

	"github.com/edge-setup/edge-setup/steps/system"
)

func TestPasswordPolicy(t *testing.T) {
	for _, pw := range []string{
		"abcdefgh",
		strings.Repeat("Z", 32),
		"Aa1" + system.PasswordSpecials[:5],
		`~!@#$%^&*()_|+-=?;:'",.<>{}[]\/`,
	} {
		if err := system.CheckPasswordPolicy(pw); err != nil {
			t.Errorf("%q refused: %v", pw, err)
		}
	}
	for pw, want := range map[string]string{
		"":                      "has 0 characters; it needs at least 8",
		"abc1234":               "has 7 characters; it needs at least 8",
		strings.Repeat("a", 33): "has 33 characters; at most 32",
		"abcd efgh":             "character 5 of the password (a space) is not allowed",
		"abcdefg\u00e9":         `non-ASCII character 'é'`,
		"abcdefg`":              "character 8 of the password ('`') is not allowed",
		"abcdefgh\x01":          "control character U+0001",
	} {
		err := system.CheckPasswordPolicy(pw)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", pw, err, want)
		}
	}
}

func TestPasswordHistoryKeepsTen(t *testing.T) {
	te := newTestEnv(t)
	for i := range 12 {
		if err := system.RememberPasswords(te.Env, "Password-"+string(rune('a'+i))); err != nil {
			t.Fatal(err)
		}
	}
	h, err := system.LoadPasswordHistory(te.Env)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Entries) != system.PasswordHistorySize {
		t.Fatalf("%d entries", len(h.Entries))
	}
	if h.Contains("Password-a") || h.Contains("Password-b") || !h.Contains("Password-c") || !h.Contains("Password-l") {
		t.Fatal("the oldest two are not the ones dropped")
	}
	if string(h.Entries[0].Salt) == string(h.Entries[1].Salt) {
		t.Fatal("salt reused")
	}
	// Remembering a known password again adds nothing.
	if err := system.RememberPasswords(te.Env, "Password-l"); err != nil {
		t.Fatal(err)
	}
	if h, _ = system.LoadPasswordHistory(te.Env); len(h.Entries) != system.PasswordHistorySize || !h.Contains("Password-c") {
		t.Fatal("duplicate entry added")
	}
	if err := system.NotReused(te.Env, "Current-pass")("Password-e"); err != system.ErrPasswordReused {
		t.Fatalf("reuse: %v", err)
	}
	te.write(t, "/var/lib/edge-setup/password-history.json", "{")
	if err := system.NotReused(te.Env, "")("Fresh-pass1"); err == nil || !strings.Contains(err.Error(), "the reuse check cannot be made") {
		t.Fatalf("damaged history: %v", err)
	}
}

func TestCompletionRecordIsShared(t *testing.T) {
	te := newTestEnv(t)
	if _, done, err := system.Completed(te.Env, 2); done || err != nil {
		t.Fatal(done, err)
	}
	if err := system.RecordCompletion(te.Env, 2); err != nil {
		t.Fatal(err)
	}
	if err := system.RecordCompletion(te.Env, 7); err != nil {
		t.Fatal(err)
	}
	c, err := system.LoadCompletion(te.Env)
	if err != nil || len(c.Options) != 2 || !c.Options["2"].At.Equal(testNow) || c.Options["7"].Version != "test" {
		t.Fatalf("%+v %v", c, err)
	}
	if m := te.mode(t, "/var/lib/edge-setup/completed.json"); m != 0o600 {
		t.Errorf("mode %o", m)
	}
	if err := system.RequirePostInstall(te.Env); err != nil {
		t.Fatal(err)
	}
}

func TestMenuNumbersAndTitles(t *testing.T) {
	te := newTestEnv(t)
	for i, s := range All() {
		if s.Number() != i+1 {
			t.Errorf("entry %d has number %d", i+1, s.Number())
		}
	}
	want := map[int]string{1: "Configure network", 2: "Run post-installation", 3: "Update license and SSL certificates",
		4: "Run post-upgrade", 5: "Expand disk size", 6: "Update tenant password", 8: "Enable microservice hosting feature"}
	for n, title := range want {
		if got := ByNumber(n).Title(te.Env); got != title {
			t.Errorf("%d: %q", n, got)
		}
	}
}
