package main

import (
	"os"
	"sync"

	"github.com/charmbracelet/x/term"
)

// keepTerminal saves the terminal settings of f (when it is a terminal) and
// returns the function that puts them back. Every way out restores them:
// the caller's defer on a normal return, and the forced exit after a
// signal (runExitHooks), which does not run defers. Without it, Ctrl+C at
// plain mode's password prompt left a serial console without echo.
func keepTerminal(f *os.File) (restore func()) {
	if !term.IsTerminal(f.Fd()) {
		return func() {}
	}
	saved, err := term.GetState(f.Fd())
	if err != nil {
		return func() {}
	}
	var once sync.Once
	restore = func() { once.Do(func() { _ = term.Restore(f.Fd(), saved) }) }
	remove := addExitHook(restore)
	return func() { remove(); restore() }
}

// exitHooks run before the process is ended by force (watchSignals).
var exitHooks struct {
	sync.Mutex
	next int
	fns  map[int]func()
}

func addExitHook(fn func()) (remove func()) {
	exitHooks.Lock()
	defer exitHooks.Unlock()
	if exitHooks.fns == nil {
		exitHooks.fns = map[int]func(){}
	}
	id := exitHooks.next
	exitHooks.next++
	exitHooks.fns[id] = fn
	return func() {
		exitHooks.Lock()
		defer exitHooks.Unlock()
		delete(exitHooks.fns, id)
	}
}

func runExitHooks() {
	exitHooks.Lock()
	defer exitHooks.Unlock()
	for _, fn := range exitHooks.fns {
		fn()
	}
}
