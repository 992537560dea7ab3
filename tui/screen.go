package tui

import (
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"
)

// Screen draws each frame on the terminal as soon as the model has it.
//
// Why not Bubble Tea's renderer: in v2.1.1 it writes frames only on a
// fixed ticker (fps), so every frame waits up to one tick and the ticker
// wakes the process all the time, also while nothing changes. Measured with
// cmd/edge-setup-bench on the development machine: at 30 fps the first menu
// took 49 ms and a key 15 ms; at 120 fps 24 ms and 9 ms, but the idle screen
// cost twice the CPU. Drawing on change
// needs no ticker at all: fast frames and an idle process that sleeps.
//
// It is a line renderer: the alternate screen, the cursor hidden, autowrap
// off (a full last line must not scroll), and only the lines that changed
// since the last frame are rewritten. Colours pass colorprofile's writer,
// which downsamples them for the terminal and drops them for NO_COLOR, as
// Bubble Tea's renderer does. Bubble Tea still reads the keys and runs the
// model (tea.WithoutRenderer).
//
// Frames are written by a goroutine of their own, newest first: a slow or
// stalled terminal (a serial line, a hung SSH session) never blocks the
// model, so keys, Ctrl+C and SIGTERM keep working, and frames that arrive
// faster than the terminal takes them are merged into one.
type Screen struct {
	wmu     sync.Mutex // serialises writes to the terminal; taken before mu
	mu      sync.Mutex // the fields below
	in, out *os.File
	w       io.Writer // out through the colour profile
	state   *term.State
	prev    []string // the frame on the terminal
	pending string   // the newest frame not written yet
	dirty   bool
	clear   bool // the window was resized: clear before the next frame
	width   int
	height  int
	closed  bool
	winch   chan os.Signal
	wake    chan struct{} // nil: Draw writes itself (tests)
	done    chan struct{}
}

// Terminal sequences (ECMA-48 / xterm).
const (
	// alternate screen, hide cursor, no autowrap, bracketed paste (a paste
	// arrives as one message, not as thousands of keys), clear
	seqEnter = "\x1b[?1049h\x1b[?25l\x1b[?7l\x1b[?2004h\x1b[2J"
	seqLeave = "\x1b[?2004l\x1b[?7h\x1b[?25h\x1b[?1049l" // paste mode off, autowrap, show cursor, main screen
	seqSync  = "\x1b[?2026h"                             // synchronized update (ignored where unknown)
	seqEnd   = "\x1b[?2026l"
)

// OpenScreen puts the terminal in raw mode on the alternate screen.
// Close restores it; it is safe to call more than once.
func OpenScreen(in, out *os.File) (*Screen, error) {
	st, err := term.MakeRaw(in.Fd())
	if err != nil {
		return nil, err
	}
	s := &Screen{in: in, out: out, state: st, w: colorprofile.NewWriter(out, os.Environ())}
	s.width, s.height, _ = term.GetSize(out.Fd())
	if s.width <= 0 || s.height <= 0 {
		s.width, s.height = 80, 24
	}
	_, _ = io.WriteString(out, seqEnter+"\x1b]2;edge-setup\x07") // and the window title, as before
	s.startWriter()
	return s, nil
}

// startWriter runs the goroutine that writes frames.
func (s *Screen) startWriter() {
	s.wake, s.done = make(chan struct{}, 1), make(chan struct{})
	go func() {
		defer close(s.done)
		for range s.wake {
			s.flush()
		}
	}()
}

// Size is the terminal size when the screen opened.
func (s *Screen) Size() (w, h int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.width, s.height
}

// WatchResize sends a WindowSizeMsg to p whenever the terminal is resized.
func (s *Screen) WatchResize(p *tea.Program) {
	s.winch = make(chan os.Signal, 1)
	signal.Notify(s.winch, syscall.SIGWINCH)
	go func() {
		for range s.winch {
			if w, h, err := term.GetSize(s.out.Fd()); err == nil && w > 0 && h > 0 {
				p.Send(tea.WindowSizeMsg{Width: w, Height: h})
			}
		}
	}()
}

// resize forgets the last frame: the next one is drawn whole, on a
// cleared screen. It never waits for the terminal.
func (s *Screen) resize(w, h int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w != s.width || h != s.height {
		s.width, s.height, s.prev, s.clear = w, h, nil, true
	}
}

// Draw hands the newest frame to the writer.
func (s *Screen) Draw(frame string) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.pending, s.dirty = frame, true
	s.mu.Unlock()
	if s.wake == nil {
		s.flush()
		return
	}
	select {
	case s.wake <- struct{}{}:
	default: // the writer is already due to run; it takes the newest frame
	}
}

// flush writes the lines of the newest frame that differ from the frame on
// the terminal.
func (s *Screen) flush() {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock()
	if !s.dirty || s.closed {
		s.mu.Unlock()
		return
	}
	lines := strings.Split(s.pending, "\n")
	if len(lines) > s.height {
		lines = lines[:s.height]
	}
	prev := s.prev
	var b strings.Builder
	if s.clear {
		b.WriteString("\x1b[2J")
	}
	s.prev, s.dirty, s.clear = lines, false, false
	s.mu.Unlock()
	for i := range max(len(lines), len(prev)) {
		l := ""
		if i < len(lines) {
			l = lines[i]
		}
		if i < len(prev) && prev[i] == l {
			continue
		}
		b.WriteString("\x1b[")
		b.WriteString(itoa(i + 1))
		// Erase first: with autowrap off the cursor stays on the last
		// column after a full line, and erasing after it would cut that cell.
		b.WriteString(";1H\x1b[0m\x1b[2K")
		b.WriteString(l)
		b.WriteString("\x1b[0m")
	}
	if b.Len() == 0 {
		return
	}
	_, _ = io.WriteString(s.w, seqSync+b.String()+seqEnd)
}

// Close leaves the alternate screen, shows the cursor and restores the
// terminal mode. It is safe to call more than once, and it does not hang
// on a terminal that takes no more output.
func (s *Screen) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.mu.Unlock()
	if s.winch != nil {
		signal.Stop(s.winch)
		close(s.winch)
	}
	if s.wake != nil {
		close(s.wake)
		select {
		case <-s.done:
		case <-time.After(time.Second):
		}
	}
	left := make(chan struct{})
	go func() {
		s.wmu.Lock()
		defer s.wmu.Unlock()
		_, _ = io.WriteString(s.out, "\x1b[0m"+seqLeave)
		close(left)
	}()
	select {
	case <-left:
	case <-time.After(time.Second):
	}
	if s.in != nil && s.state != nil {
		_ = term.Restore(s.in.Fd(), s.state)
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// OnScreen runs m with frames drawn on s the moment they change.
func OnScreen(m *Model, s *Screen) tea.Model { return &onScreen{m: m, s: s} }

type onScreen struct {
	m *Model
	s *Screen
}

func (o *onScreen) Init() tea.Cmd { return o.m.Init() }

func (o *onScreen) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if ws, ok := msg.(tea.WindowSizeMsg); ok {
		o.s.resize(ws.Width, ws.Height)
	}
	_, cmd := o.m.Update(msg)
	return o, cmd
}

// View draws the frame itself and gives Bubble Tea (without a renderer) nothing to do.
func (o *onScreen) View() tea.View {
	if !o.m.quitting {
		o.s.Draw(o.m.Render())
	}
	return tea.NewView("")
}
