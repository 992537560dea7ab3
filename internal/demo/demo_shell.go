package demo

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// demoShell is the demo's tiny interactive shell: a prompt, line editing
// (backspace, Ctrl+C, Ctrl+D), and a few harmless commands. With a pty
// the shell echoes and ends lines with CR LF, as a terminal expects.
func demoShell(rw io.ReadWriter, user string, pty bool) {
	nl := "\n"
	if pty {
		nl = "\r\n"
	}
	write := func(s string) { _, _ = io.WriteString(rw, strings.ReplaceAll(s, "\n", nl)) }
	write("Welcome to the edge-setup demo shell on " + demoHostname + " (reached through the tenant).\nType help for the commands, exit to leave.\n")
	prompt := func() { write(user + "@" + demoHostname + ":~$ ") }
	prompt()
	var line []byte
	var prev byte
	buf := make([]byte, 256)
	for {
		n, err := rw.Read(buf)
		if err != nil {
			return
		}
		for _, b := range buf[:n] {
			last := prev
			prev = b
			switch {
			case b == '\r' || b == '\n':
				if b == '\n' && last == '\r' {
					continue // CR LF is one Enter
				}
				if pty {
					write("\n")
				}
				out, quit := demoCommand(string(line), user)
				line = line[:0]
				write(out)
				if quit {
					return
				}
				prompt()
			case b == 0x7f || b == 0x08:
				if len(line) > 0 {
					line = line[:len(line)-1]
					if pty {
						write("\b \b")
					}
				}
			case b == 0x03: // Ctrl+C
				line = line[:0]
				write("^C\n")
				prompt()
			case b == 0x04: // Ctrl+D
				if len(line) == 0 {
					write("logout\n")
					return
				}
			case b >= 0x20 && b < 0x7f:
				if len(line) < 1024 {
					line = append(line, b)
					if pty {
						_, _ = rw.Write([]byte{b})
					}
				}
			}
		}
	}
}

// demoStarted is when the demo began (for uptime).
var demoStarted = time.Now()

// demoCommand runs one line (commands separated by ';'); quit ends the shell.
func demoCommand(line, user string) (out string, quit bool) {
	if parts := strings.Split(line, ";"); len(parts) > 1 {
		var b strings.Builder
		for _, p := range parts {
			o, q := demoCommand(p, user)
			b.WriteString(o)
			if q {
				return b.String(), true
			}
		}
		return b.String(), false
	}
	f := strings.Fields(line)
	if len(f) == 0 {
		return "", false
	}
	switch f[0] {
	case "exit", "logout":
		return "logout\n", true
	case "help":
		return "commands: help, whoami, id, hostname, uname [-a], date, uptime, pwd, ls, echo TEXT, exit\n", false
	case "whoami":
		return user + "\n", false
	case "id":
		return fmt.Sprintf("uid=1000(%s) gid=1000(%s) groups=1000(%s)\n", user, user, user), false
	case "hostname":
		return demoHostname + "\n", false
	case "uname":
		if len(f) > 1 && f[1] == "-a" {
			return "Linux " + demoHostname + " 6.8.0-demo #1 SMP x86_64 GNU/Linux\n", false
		}
		return "Linux\n", false
	case "date":
		return time.Now().UTC().Format("Mon Jan _2 15:04:05 UTC 2006") + "\n", false
	case "uptime":
		return fmt.Sprintf("up %s, 1 user\n", time.Since(demoStarted).Round(time.Second)), false
	case "pwd":
		return "/home/" + user + "\n", false
	case "ls":
		return "README-demo.txt\n", false
	case "echo":
		return strings.Join(f[1:], " ") + "\n", false
	}
	return f[0] + ": command not found (this is the demo shell; type help)\n", false
}
