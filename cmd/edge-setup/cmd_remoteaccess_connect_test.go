package main

import (
	"net"
	"strings"
	"testing"
)

func TestConnectWarnsWhenListeningBeyondLoopback(t *testing.T) {
	for addr, warn := range map[string]bool{"127.0.0.1:2222": false, "[::1]:2222": false, "0.0.0.0:2222": true, "[::]:2222": true} {
		a, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := listenWarning(a, "t1/ops"); (got != "") != warn || warn && !strings.Contains(got, "reachable from other machines") {
			t.Errorf("%s: %q", addr, got)
		}
	}
}
