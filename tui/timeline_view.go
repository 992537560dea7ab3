package tui

import (
	"fmt"

	"github.com/edge-setup/edge-setup/steps/timeline"
)

// timelineView draws a status timeline (one line per state reached, with
// its time): the registration screen of option 7 and the Data Broker link
// screen (B) share it.
type timelineView struct {
	timeline []timeline.StatusChange
	// done reports the states that are a success reached (drawn ✓).
	done func(status string) bool
	// live: the latest state is still being waited on (drawn with the spinner).
	live    bool
	spinner string
}

// lines are the timeline's lines, oldest first.
func (c *common) timelineLines(v timelineView) []string {
	s := c.styles
	out := make([]string, 0, len(v.timeline))
	for i, st := range v.timeline {
		out = append(out, fmt.Sprintf("%s  %s %s", s.Dim.Render(st.At.Format("15:04:05")), c.timelineSymbol(v, i), st.Status))
	}
	return out
}

// timelineSymbol: reached successes are ✓, others ·, and only the last
// line, the live one, spins.
func (c *common) timelineSymbol(v timelineView, i int) string {
	s := c.styles
	switch {
	case v.done != nil && v.done(v.timeline[i].Status):
		return s.Success.Render(symDone)
	case i == len(v.timeline)-1 && v.live:
		return v.spinner
	}
	return s.Dim.Render("·")
}
