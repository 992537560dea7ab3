package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Sampling a process from /proc: CPU time and resident memory.

// cpuSample is the CPU time used since the window opened, at a moment of it.
type cpuSample struct {
	At    time.Duration
	Ticks int64
}

func (c *consoleResult) ticks(n int64) time.Duration {
	return time.Duration(n) * time.Second / time.Duration(c.ClockTicks)
}

// cpuBetween is the share of one core used from a to b (the samples
// nearest to them), and the span actually covered.
func (c *consoleResult) cpuBetween(a, b time.Duration) (share float64, span time.Duration) {
	from, to := cpuSample{}, cpuSample{}
	for _, s := range c.IdleCPUAt {
		if s.At <= a+time.Second/2 {
			from = s
		}
		if s.At <= b+time.Second/2 {
			to = s
		}
	}
	if a < time.Second/2 {
		from = cpuSample{}
	}
	span = to.At - from.At
	if span <= 0 {
		return 0, 0
	}
	return c.ticks(to.Ticks-from.Ticks).Seconds() / span.Seconds(), span
}

// readCPUTicks is utime+stime of /proc/<pid>/stat, in clock ticks.
func readCPUTicks(pid int) (int64, error) { return readStatTicks(pid, 2) }

// readCPUTicksWithChildren adds cutime+cstime: the children it waited for
// (the relay's session processes).
func readCPUTicksWithChildren(pid int) (int64, error) { return readStatTicks(pid, 4) }

// readStatTicks sums the first n of utime, stime, cutime, cstime.
func readStatTicks(pid, n int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) is in parentheses and may hold blanks.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state); utime and stime are fields 14 and 15.
	if len(f) < 11+n {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	var sum int64
	for _, x := range f[11 : 11+n] {
		v, err := strconv.ParseInt(x, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
		}
		sum += v
	}
	return sum, nil
}

// readRSS is VmRSS of /proc/<pid>/status in kB.
func readRSS(pid int) (int, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			return strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// clockTicks is USER_HZ (getconf CLK_TCK), 100 on every Linux the Edge runs on.
func clockTicks() int {
	out, err := exec.Command("getconf", "CLK_TCK").Output()
	if err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(out))); err == nil && n > 0 {
			return n
		}
	}
	return 100
}
