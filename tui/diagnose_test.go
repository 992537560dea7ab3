package tui_test

import (
	"net"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/stepstest"
	"github.com/edge-setup/edge-setup/tui"
)

// configure sets the tenant URL as option 7 would.
func configure(t *testing.T, env *steps.Env, url string) {
	t.Helper()
	cfg, err := env.Props.LoadAgentConfig()
	if err != nil {
		t.Fatal(err)
	}
	cfg.URL, cfg.RemoteManagement = url, true
	if err := env.Props.SaveAgentConfig(cfg); err != nil {
		t.Fatal(err)
	}
}

func refusedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return "https://" + l.Addr().String()
}

// bannerDriver is newDriver with the demo's two banner lines.
func bannerDriver(t *testing.T, env *steps.Env, w, h int) *driver {
	d := &driver{t: t, m: tui.New(tui.Options{Env: env, Banner: []string{
		"DEMO tenant http://127.0.0.1:40000 · tenant user demo-admin / demo-Passw0rd",
		"DEMO Edge admin admin / Edge-Admin-1 · sandbox /tmp/edge-setup-demo-1234567890",
	}}), msgs: make(chan tea.Msg, 256), width: w}
	d.exec(d.m.Init())
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	return d
}

// press sends a key n times, then lets the screen settle once.
func press(d *driver, k string, n int) {
	for range n {
		d.send(keyMsg(k))
	}
	d.settle()
}

// fits checks that the frame is inside the window and the footer is on its last line.
func fits(t *testing.T, d *driver, w, h int, where string) {
	t.Helper()
	lines := strings.Split(d.m.Render(), "\n")
	if len(lines) > h {
		t.Errorf("%dx%d %s: %d lines", w, h, where, len(lines))
	}
	for _, l := range lines {
		if ansi.StringWidth(l) > w {
			t.Errorf("%dx%d %s: line wider than the window: %q", w, h, where, ansi.Strip(l))
		}
	}
	if last := ansi.Strip(lines[len(lines)-1]); !strings.Contains(last, "help") && !strings.HasSuffix(last, "…") {
		t.Errorf("%dx%d %s: the footer is not on the last line: %q", w, h, where, last)
	}
}

func TestDiagnoseFromTheMenu(t *testing.T) {
	w := stepstest.New(t)
	configure(t, w.Env, w.URL)
	d := newDriver(t, w.Env, 100, 30)
	if !strings.Contains(d.screen(), "D. Diagnose the connection to the tenant") {
		t.Fatalf("menu lacks D:\n%s", d.screen())
	}
	d.key("d")
	d.waitFor("every check passed")
	s := d.screen()
	for _, want := range []string{"D - Diagnose the connection to the tenant", "✓ Tenant URL   " + w.URL,
		"✓ Proxy", "✓ DNS", "✓ TCP", "– TLS", "✓ HTTP", "✓ Clock", "enter back to menu", "r run again"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
	d.key("esc")
	d.waitFor("Choose an option")
	if !strings.Contains(d.screen(), "Diagnosis: the tenant is reachable") {
		t.Errorf("no summary on the menu:\n%s", d.screen())
	}
	// Enter on D opens it too.
	d.key("up") // from D (the last item chosen) ...
	d.key("down")
	d.key("enter")
	d.waitFor("D - Diagnose")
	d.waitFor("every check passed")
	d.key("enter")
	d.waitFor("Choose an option")
}

func TestDiagnoseShowsFailuresWithFixesAndRunsAgain(t *testing.T) {
	w := stepstest.New(t)
	url := refusedURL(t)
	configure(t, w.Env, url)
	d := newDriver(t, w.Env, 100, 30)
	d.key("d")
	d.waitFor("TCP failed")
	s := d.screen()
	for _, want := range []string{"✗ TCP", "refused the connection", "Fix: check the port in the tenant URL", "– TLS", "not run: the TCP check failed"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
	// Fixed meanwhile: r runs the checks again.
	configure(t, w.Env, w.URL)
	d.key("r")
	d.waitFor("every check passed")
	if strings.Contains(d.screen(), "✗") {
		t.Errorf("an old failure stayed on screen:\n%s", d.screen())
	}
}

func TestDiagnosePageFitsTheWindow(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {100, 30}, {60, 20}} {
		for _, banner := range []bool{false, true} {
			w := stepstest.New(t)
			configure(t, w.Env, refusedURL(t))
			var d *driver
			if banner {
				d = bannerDriver(t, w.Env, size[0], size[1])
			} else {
				d = newDriver(t, w.Env, size[0], size[1])
			}
			fits(t, d, size[0], size[1], "menu")
			d.key("d")
			d.waitFor("TCP failed")
			fits(t, d, size[0], size[1], "diagnosis")
			if size[0] == 60 && !strings.Contains(d.screen(), "↑/↓ scroll") {
				t.Errorf("60x20: no scroll hint:\n%s", d.screen())
			}
			before := d.screen()
			press(d, "up", 12)
			fits(t, d, size[0], size[1], "scrolled up")
			if !strings.Contains(d.screen(), "D - Diagnose") {
				t.Errorf("%dx%d: the title is not reachable by scrolling:\n%s", size[0], size[1], d.screen())
			}
			up := d.screen()
			press(d, "down", 12)
			fits(t, d, size[0], size[1], "scrolled down")
			if !strings.Contains(d.screen(), "TCP failed") {
				t.Errorf("%dx%d: the summary is not reachable by scrolling:\n%s", size[0], size[1], d.screen())
			}
			if strings.Contains(before, "↑/↓ scroll") && d.screen() == up {
				t.Errorf("%dx%d: scrolling changed nothing", size[0], size[1])
			}
			d.key("?")
			fits(t, d, size[0], size[1], "help")
			if !strings.Contains(d.screen(), "run again") {
				t.Errorf("%dx%d: help lacks the keys:\n%s", size[0], size[1], d.screen())
			}
			d.key("?")
			d.send(tea.WindowSizeMsg{Width: 60, Height: 20})
			d.settle()
			fits(t, d, 60, 20, "shrunk")
		}
	}
}

// qrLines counts lines holding a run of full blocks, as a drawn code does.
func qrLines(screen string) int {
	n := 0
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, "████") {
			n++
		}
	}
	return n
}

func TestRegistrationShowsTheLinkAsQRCodeWhenItFits(t *testing.T) {
	w := stepstest.New(t)
	d := newDriver(t, w.Env, 100, 30)
	d.waitingWithoutTenantUser(w.URL)
	link := w.URL + "/apps/devicemanagement/index.html#/deviceregistration"

	tests := []struct {
		w, h   int
		banner bool
		shown  bool
	}{
		{100, 30, false, false}, // the link (75 columns) and the code (41) do not fit side by side
		{80, 24, false, false},
		{60, 20, false, false},
		{130, 30, false, true},  // right of the details
		{100, 50, false, true},  // below them
		{130, 23, false, false}, // 21 code lines and the title, blank line and footer do not fit
	}
	for _, tc := range tests {
		d.send(tea.WindowSizeMsg{Width: tc.w, Height: tc.h})
		d.settle()
		fits(t, d, tc.w, tc.h, "registration")
		s := d.screen()
		n := qrLines(s)
		switch {
		case tc.shown && n < 21:
			t.Errorf("%dx%d: no whole code (%d lines):\n%s", tc.w, tc.h, n, s)
		case !tc.shown && n > 0:
			t.Errorf("%dx%d: a code that does not fit:\n%s", tc.w, tc.h, s)
		}
		if tc.w >= 80 && !strings.Contains(s, link) {
			t.Errorf("%dx%d: the link is not whole on one line:\n%s", tc.w, tc.h, s)
		}
		if !tc.shown && tc.w == 100 && !strings.Contains(s, "shows the link as a QR code") {
			t.Errorf("%dx%d: no hint about the code:\n%s", tc.w, tc.h, s)
		}
	}
}
