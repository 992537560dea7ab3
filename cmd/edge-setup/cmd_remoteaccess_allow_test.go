package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRemoteAccessAllowDenyAllowed(t *testing.T) {
	root := t.TempDir()
	ra := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(append([]string{"--root", root, "remote-access"}, args...), &out, &errb)
		return code, out.String(), errb.String()
	}
	if code, _, errs := ra("allowed"); code != exitOK || !strings.Contains(errs, "nothing is allowed") {
		t.Fatalf("empty list: %d %q", code, errs)
	}
	if code, out, _ := ra("allow", "LocalHost:2222"); code != exitOK || !strings.Contains(out, "allowed: the relay may connect to localhost:2222") {
		t.Fatalf("allow: %d %q", code, out)
	}
	if code, _, errs := ra("allow", "127.0.0.1:ssh"); code != exitUsage || !strings.Contains(errs, "nothing was changed") {
		t.Fatalf("a bad entry: %d %q", code, errs)
	}
	if code, out, _ := ra("allowed"); code != exitOK || out != "localhost:2222\n" {
		t.Fatalf("allowed: %d %q", code, out)
	}
	if code, out, _ := ra("deny", "localhost:2222"); code != exitOK || !strings.Contains(out, "denied") {
		t.Fatalf("deny: %d %q", code, out)
	}
	if code, _, errs := ra("serve", "--poll", "1ns"); code != exitUsage || !strings.Contains(errs, "shorter than 1s") {
		t.Fatalf("serve --poll 1ns: %d %q", code, errs)
	}
}
