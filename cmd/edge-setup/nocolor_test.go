package main

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// output stops the program with Ctrl+C and returns everything it wrote.
func output(rt *ptyTerm) []byte {
	rt.send("\x03")
	rt.waitExit("Ctrl+C")
	return []byte(rt.rawOutput())
}

var sgrSeq = regexp.MustCompile(`\x1b\[([0-9;:]*)m`)

// colourSGRs lists the SGR sequences that set a foreground or background
// colour (30-38, 40-48, 90-97, 100-107); resets (0, 39, 49) and
// attributes such as bold and faint are fine without colour.
func colourSGRs(out []byte) []string {
	var found []string
	for _, m := range sgrSeq.FindAllSubmatch(out, -1) {
		for _, p := range strings.FieldsFunc(string(m[1]), func(r rune) bool { return r == ';' || r == ':' }) {
			n, err := strconv.Atoi(p)
			if err != nil {
				continue
			}
			if (n >= 30 && n <= 38) || (n >= 40 && n <= 48) || (n >= 90 && n <= 97) || (n >= 100 && n <= 107) {
				found = append(found, strconv.Quote(string(m[0])))
				break
			}
			if n == 38 || n == 48 {
				break
			}
		}
	}
	return found
}

// drive opens the menu, the diagnosis (with a failure: no tenant is
// configured in the demo) and the help overlay: every style in use.
func driveColours(t *testing.T, env ...string) []byte {
	rt := startPTY(t, 100, 30, append([]string{"COLORTERM=truecolor"}, env...), "--demo")
	rt.waitFor("D. Diagnose the connection to the tenant")
	rt.send("d")
	rt.waitFor("Tenant URL failed")
	rt.send("?")
	rt.waitFor("run again")
	rt.send("?")
	time.Sleep(50 * time.Millisecond)
	rt.send("\r")
	rt.waitFor("Choose an option")
	return output(rt)
}

func TestNoColorLeavesNoColourSequences(t *testing.T) {
	coloured := colourSGRs(driveColours(t))
	if len(coloured) == 0 {
		t.Fatal("without NO_COLOR the screens have no colour: this test would prove nothing")
	}
	out := driveColours(t, "NO_COLOR=1")
	t.Logf("%d colour sequences without NO_COLOR (e.g. %s), %d SGR sequences with it", len(coloured), coloured[0], len(sgrSeq.FindAll(out, -1)))
	if got := colourSGRs(out); len(got) > 0 {
		t.Errorf("NO_COLOR=1: %d colour sequences, e.g. %s", len(got), strings.Join(got[:min(5, len(got))], " "))
	}
	if !bytes.Contains(out, []byte("Diagnose the connection")) {
		t.Error("the run showed nothing")
	}
}
