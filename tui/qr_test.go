package tui

import (
	"image"
	"image/color"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	qr "github.com/piglig/go-qr"
)

const (
	demoLink   = "http://127.0.0.1:39999/apps/devicemanagement/index.html#/deviceregistration"
	tenantLink = "https://acme.eu-latest.cumulocity.com/apps/devicemanagement/index.html#/deviceregistration"
)

func TestQRBlockDimensions(t *testing.T) {
	tests := []struct {
		text    string
		modules int // the symbol's side: 17 + 4 x version
	}{
		{"hi", 21},
		{qrURL(demoLink), 33},   // version 4
		{qrURL(tenantLink), 37}, // version 5
		{tenantLink, 37},
	}
	for _, tc := range tests {
		block, err := qrBlock(tc.text)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(block, "\n")
		side := tc.modules + 2*qrQuiet
		if want := (side + 1) / 2; len(lines) != want {
			t.Errorf("%q: %d lines, want %d (two module rows per line)", tc.text, len(lines), want)
		}
		for i, l := range lines {
			if n := utf8.RuneCountInString(l); n != side || ansi.StringWidth(l) != side {
				t.Errorf("%q line %d: %d runes, %d cells, want %d", tc.text, i, n, ansi.StringWidth(l), side)
			}
			if strings.Trim(l, "▀▄█ ") != "" {
				t.Errorf("line %d has other characters: %q", i, l)
			}
			if !strings.HasPrefix(l, strings.Repeat("█", qrQuiet)) || !strings.HasSuffix(l, strings.Repeat("█", qrQuiet)) {
				t.Errorf("line %d lacks the quiet zone: %q", i, l)
			}
		}
		for _, i := range []int{0, 1, len(lines) - 2, len(lines) - 1} {
			if lines[i] != strings.Repeat("█", side) {
				t.Errorf("%q: line %d is not quiet zone: %q", tc.text, i, lines[i])
			}
		}
	}
}

// TestQRBlockScans reads the half blocks back into modules, draws them as
// a picture and decodes it: the rendering (orientation, halves, polarity,
// quiet zone) holds the text.
func TestQRBlockScans(t *testing.T) {
	for _, text := range []string{"hello", qrURL(demoLink), qrURL(tenantLink)} {
		block, err := qrBlock(text)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(block, "\n")
		side := utf8.RuneCountInString(lines[0])
		const scale = 4
		img := image.NewGray(image.Rect(0, 0, side*scale, len(lines)*2*scale))
		for y, l := range lines {
			for x, r := range []rune(l) {
				top := r == '█' || r == '▀'
				bottom := r == '█' || r == '▄'
				for dy := range scale {
					for dx := range scale {
						img.SetGray(x*scale+dx, 2*y*scale+dy, gray(top))
						img.SetGray(x*scale+dx, (2*y+1)*scale+dy, gray(bottom))
					}
				}
			}
		}
		got, err := qr.Decode(img)
		if err != nil {
			t.Fatalf("%q: the block does not decode: %v", text, err)
		}
		if got != text {
			t.Errorf("decoded %q, want %q", got, text)
		}
	}
}

// gray: drawn (light) modules are white on the dark background.
func gray(light bool) color.Gray {
	if light {
		return color.Gray{Y: 255}
	}
	return color.Gray{Y: 0}
}

func TestQRURLCapitalisesOnlySchemeAndHost(t *testing.T) {
	for in, want := range map[string]string{
		tenantLink:                   "HTTPS://ACME.EU-LATEST.CUMULOCITY.COM/apps/devicemanagement/index.html#/deviceregistration",
		"http://127.0.0.1:8080#/x":   "HTTP://127.0.0.1:8080#/x",
		"https://acme.example.com":   "HTTPS://ACME.EXAMPLE.COM",
		"not a url/with/Path":        "not a url/with/Path",
		"https://a.example.com/?q=Q": "HTTPS://A.EXAMPLE.COM/?q=Q",
	} {
		if got := qrURL(in); got != want {
			t.Errorf("qrURL(%q) = %q, want %q", in, got, want)
		}
	}
	// It pays: a short tenant's link drops from version 5 to 4.
	link := "https://acme.cumulocity.com/apps/devicemanagement/index.html#/deviceregistration"
	plain, _ := qrBlock(link)
	upper, _ := qrBlock(qrURL(link))
	if pw, _ := blockSize(plain); pw != 37+2*qrQuiet {
		t.Errorf("plain link: %d columns", pw)
	}
	if uw, _ := blockSize(upper); uw != 33+2*qrQuiet {
		t.Errorf("capitalised link: %d columns", uw)
	}
}

func TestLayoutQR(t *testing.T) {
	block, err := qrBlock(qrURL(demoLink)) // 41 x 21
	if err != nil {
		t.Fatal(err)
	}
	qrW, qrH := blockSize(block)
	if qrW != 41 || qrH != 21 {
		t.Fatalf("demo block is %dx%d", qrW, qrH)
	}
	body := strings.Join([]string{
		"7 - Configure Edge Agent · registration",
		"",
		"Edge device ID",
		"  edge-agent-7d01b477-d816-4a7c-8a62-ce7527a98784",
		"Tenant http://127.0.0.1:39999",
		"Register at " + demoLink,
		"",
		"09:39:10  ⠋ Not registered in the tenant",
		"",
		"Press c to create the registration request now, or register the ID in Device Management.",
		"Next check in 1s · r checks now · esc stops waiting",
	}, "\n")
	tests := []struct {
		name          string
		width, height int // of the page body
		want          qrPlacement
	}{
		{"100x30: the link would break beside it, too short below", 100, 27, qrHidden},
		{"80x24", 80, 21, qrHidden},
		{"60x20", 60, 17, qrHidden},
		{"wide", 120, 27, qrRight},
		{"wide but too low", 160, 20, qrHidden},
		{"tall", 100, 33, qrBelow},
		{"tall but narrower than the link", 70, 60, qrHidden},
		{"large", 200, 60, qrRight},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, got := layoutQR(body, block, demoLink, tc.width, tc.height)
			if got != tc.want {
				t.Fatalf("placement %d, want %d", got, tc.want)
			}
			if got == qrHidden {
				if out != body {
					t.Error("the body changed without a code")
				}
				return
			}
			lines := strings.Split(out, "\n")
			if len(lines) > tc.height {
				t.Errorf("%d lines in a body of %d", len(lines), tc.height)
			}
			for _, l := range lines {
				if w := ansi.StringWidth(l); w > tc.width {
					t.Errorf("line of %d columns in %d: %q", w, tc.width, l)
				}
			}
			if !strings.Contains(out, demoLink) {
				t.Error("the link is broken")
			}
			// Every line of the code is there, whole and in order.
			at := -1
			for i, q := range strings.Split(block, "\n") {
				found := -1
				for j := at + 1; j < len(lines); j++ {
					if strings.HasSuffix(lines[j], q) {
						found = j
						break
					}
				}
				if found < 0 {
					t.Fatalf("code line %d missing", i)
				}
				if at >= 0 && found != at+1 {
					t.Fatalf("code line %d is not under line %d", i, i-1)
				}
				at = found
			}
		})
	}
}

func TestBodyHeightFollowsTheBanner(t *testing.T) {
	c := &common{width: 100, height: 30, banner: []string{"a", "b"}}
	if h := c.bodyHeight(); h != 25 {
		t.Errorf("100x30 with two banner lines: %d", h)
	}
	c.height = 20 // the root keeps one banner line under 24 lines
	if h := c.bodyHeight(); h != 16 {
		t.Errorf("60x20 with the banner cut to one line: %d", h)
	}
	c.banner = nil
	if h := c.bodyHeight(); h != 17 {
		t.Errorf("no banner: %d", h)
	}
}
