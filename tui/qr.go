package tui

import (
	"fmt"
	"strings"
	"sync"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	qr "github.com/piglig/go-qr"
)

// QR code of the registration link, for an operator with a phone.

const (
	qrQuiet   = 4  // the quiet zone the QR standard asks for, in modules
	qrGap     = 2  // columns between the details and a code on their right
	qrMinLeft = 36 // narrowest the details may become beside a code
)

// qrBlock renders text as a QR code at the lowest error correction level
// (the library raises it when that costs no size) and the smallest version,
// in Unicode half blocks: one character per module column, two module rows
// per text line, the quiet zone included. Light modules are drawn (█▀▄) and
// dark ones left blank, so the code reads right on a dark terminal
// background (qrStyle paints that background where colours are allowed).
func qrBlock(text string) (string, error) {
	segs, err := qr.MakeSegmentsOptimally(text, qr.Low, qr.MinVersion, qr.MaxVersion)
	if err != nil {
		return "", err
	}
	code, err := qr.EncodeStandardSegments(segs, qr.Low)
	if err != nil {
		return "", err
	}
	n := code.Size()
	side := n + 2*qrQuiet
	light := func(x, y int) bool {
		x, y = x-qrQuiet, y-qrQuiet
		if x < 0 || y < 0 || x >= n || y >= n {
			return true // quiet zone (and the half row below an odd side)
		}
		return !code.Module(x, y)
	}
	var b strings.Builder
	for y := 0; y < side; y += 2 {
		if y > 0 {
			b.WriteByte('\n')
		}
		for x := range side {
			switch top, bottom := light(x, y), light(x, y+1); {
			case top && bottom:
				b.WriteString("█")
			case top:
				b.WriteString("▀")
			case bottom:
				b.WriteString("▄")
			default:
				b.WriteByte(' ')
			}
		}
	}
	return b.String(), nil
}

// qrURL is link in the form that makes the smallest code: scheme and host
// are case-insensitive, and in capitals they encode in QR's denser
// alphanumeric mode (this can save a version, four columns and two lines).
func qrURL(link string) string {
	i := strings.Index(link, "://")
	if i < 0 {
		return link
	}
	end := strings.IndexAny(link[i+3:], "/?#")
	if end < 0 {
		end = len(link) - i - 3
	}
	end += i + 3
	return strings.ToUpper(link[:end]) + link[end:]
}

// qrStyle draws light modules white on black where colours are allowed, so
// the code also reads right on a light terminal; without colours (NO_COLOR)
// it relies on the usual dark console background.
var qrStyle = lipgloss.NewStyle().Foreground(lipgloss.Color("#FFFFFF")).Background(lipgloss.Color("#000000"))

var qrCache struct {
	sync.Mutex
	text, block string
	err         error
}

// cachedQR is qrBlock for the last text asked (View runs on every tick).
func cachedQR(text string) (string, error) {
	qrCache.Lock()
	defer qrCache.Unlock()
	if qrCache.text != text || (qrCache.block == "" && qrCache.err == nil) {
		qrCache.text = text
		qrCache.block, qrCache.err = qrBlock(text)
	}
	return qrCache.block, qrCache.err
}

// bodyHeight is how many lines a page may use: the root draws the title,
// the banner (one line in windows under 24 lines), a blank line and the
// footer around it.
func (c *common) bodyHeight() int {
	return c.height - 3 - len(c.bannerLines())
}

type qrPlacement int

const (
	qrHidden qrPlacement = iota // the window is too small
	qrRight                     // beside the details, which are rewrapped narrower
	qrBelow                     // under the details
)

// layoutQR puts block right of body, or below it, when either fits
// entirely in width x height (a code cut by the window edge would not
// scan) and keep, the link, still fits on one line (a link broken in two
// cannot be copied or clicked).
func layoutQR(body, block, keep string, width, height int) (string, qrPlacement) {
	qrW, qrH := blockSize(block)
	qrLines := strings.Split(block, "\n")
	if leftW := width - qrGap - qrW; leftW >= max(qrMinLeft, ansi.StringWidth(keep)) && qrH <= height {
		left := strings.Split(wrapText(body, leftW, 2), "\n")
		if len(left) <= height {
			rows := max(len(left), qrH)
			out := make([]string, rows)
			for i := range rows {
				l := ""
				if i < len(left) {
					l = left[i]
				}
				l += strings.Repeat(" ", leftW-ansi.StringWidth(l)+qrGap)
				if i < qrH {
					l += qrLines[i]
				}
				out[i] = strings.TrimRight(l, " ")
			}
			return strings.Join(out, "\n"), qrRight
		}
	}
	if bodyLines := strings.Count(body, "\n") + 1; qrW <= width && ansi.StringWidth(keep) <= width && bodyLines+1+qrH <= height {
		return body + "\n\n" + block, qrBelow
	}
	return body, qrHidden
}

// withQR adds the registration link as a QR code when the window allows,
// and otherwise says how large the window must be, if a line is spare.
func (p *regPage) withQR(body string) string {
	if p.phase == regConnected {
		return body
	}
	block, err := cachedQR(qrURL(p.reg.RegisterLink()))
	if err != nil {
		return body
	}
	lines := strings.Split(block, "\n")
	for i, l := range lines {
		lines[i] = qrStyle.Render(l)
	}
	link := p.reg.RegisterLink()
	out, placed := layoutQR(body, strings.Join(lines, "\n"), link, p.c.width, p.c.bodyHeight())
	if placed != qrHidden {
		return out
	}
	// Suggest the size that puts the code on the right.
	qrW, qrH := blockSize(block)
	needW := max(qrMinLeft, ansi.StringWidth(link)) + qrGap + qrW
	needH := max(qrH, strings.Count(body, "\n")+1) + p.c.height - p.c.bodyHeight()
	if !p.qrHint {
		return body
	}
	hint := p.c.styles.Dim.Render(p.c.wrap(fmt.Sprintf(
		"A window of about %d×%d shows the link as a QR code to scan with a phone.", needW, needH), 0))
	if strings.Count(body, "\n")+strings.Count(hint, "\n")+2 > p.c.bodyHeight() {
		return body
	}
	return body + "\n" + hint
}

// blockSize is the width and height of a rendered block.
func blockSize(block string) (w, h int) {
	lines := strings.Split(block, "\n")
	for _, l := range lines {
		w = max(w, ansi.StringWidth(l))
	}
	return w, len(lines)
}
