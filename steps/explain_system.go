package steps

import (
	"errors"
	"io/fs"
	"os/exec"
	"strings"
	"syscall"
)

// SystemReason turns an error of the operating system (a file, a command)
// into the reason in operator words, with what to do where there is one
// obvious step, instead of Go's "open /path: no such file or directory".
func SystemReason(err error) string {
	var ee *exec.Error
	var xe *exec.ExitError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &ee) && errors.Is(ee.Err, exec.ErrNotFound):
		return "the command " + ee.Name + " is not installed on this machine (not found in PATH)"
	case errors.As(err, &xe):
		return "it ended with exit code " + itoa(xe.ExitCode()) + " (its last output is shown above)"
	case errors.Is(err, fs.ErrNotExist):
		return "it does not exist"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied: run edge-setup as root"
	case errors.Is(err, syscall.EROFS):
		return "the file system is read-only: remount it read-write"
	case errors.Is(err, syscall.ENOSPC):
		return "the disk is full: free some space"
	case errors.Is(err, syscall.EISDIR):
		return "it is a directory, not a file"
	case errors.Is(err, syscall.ENOTDIR):
		return "a part of the path is a file, not a directory"
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		msg = msg[i+2:] // the reason without Go's "open /path:" prefix
	}
	return msg
}

func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
