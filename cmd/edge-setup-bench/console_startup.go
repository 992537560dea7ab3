package main

import (
	"fmt"
	"os"
	"time"
)

// coldStart times process start to the first frame that shows the menu,
// on a fresh root.
func coldStart(bin, dir string, i int) (time.Duration, int, error) {
	root, err := os.MkdirTemp(dir, "root-")
	if err != nil {
		return 0, 0, err
	}
	defer os.RemoveAll(root)
	tm, started, err := startTerm(termCols, termRows, []string{"TMPDIR=" + dir}, bin, "--root", root)
	if err != nil {
		return 0, 0, err
	}
	defer tm.stop()
	at, err := tm.waitFor(stepTimeout, menuText, menuLast)
	if err != nil {
		return 0, 0, fmt.Errorf("cold start %d: %w", i+1, err)
	}
	rss, _ := readRSS(tm.cmd.Process.Pid)
	return at.Sub(started), rss, nil
}

func baselineStart(bin string) (time.Duration, error) {
	tm, started, err := startTerm(termCols, termRows, nil, bin)
	if err != nil {
		return 0, err
	}
	defer tm.stop()
	at, err := tm.waitFor(stepTimeout, "ready")
	if err != nil {
		return 0, fmt.Errorf("baseline: %w", err)
	}
	return at.Sub(started), nil
}

// bareStart times the Bubble Tea reference's start to its full list.
func bareStart(bin string) (time.Duration, error) {
	tm, started, err := startTerm(termCols, termRows, nil, bin)
	if err != nil {
		return 0, err
	}
	defer tm.stop()
	at, err := tm.waitFor(stepTimeout, "1. Item 1", "9. Item 9")
	if err != nil {
		return 0, fmt.Errorf("bubble tea reference: %w", err)
	}
	return at.Sub(started), nil
}
