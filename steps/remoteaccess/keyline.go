package remoteaccess

import "strings"

// parseKeyLine reads one authorized_keys line as sshd does: optional
// options (comma separated, double quotes may hold spaces and escaped
// quotes), the key type, the base64 key and an optional comment. key is
// "type base64"; comment is the rest of the line, trimmed. Blank lines,
// comments (#) and lines without a key are not ok.
func parseKeyLine(line string) (key, comment string, ok bool) {
	rest := strings.TrimLeft(line, " \t")
	if rest == "" || rest[0] == '#' {
		return "", "", false
	}
	if !isKeyType(firstField(rest)) {
		rest, ok = skipOptions(rest)
		if !ok {
			return "", "", false
		}
		rest = strings.TrimLeft(rest, " \t")
	}
	typ := firstField(rest)
	if !isKeyType(typ) {
		return "", "", false
	}
	rest = strings.TrimLeft(rest[len(typ):], " \t")
	blob := firstField(rest)
	if blob == "" {
		return "", "", false
	}
	comment = strings.Trim(rest[len(blob):], " \t\r")
	return typ + " " + blob, comment, true
}

func firstField(s string) string {
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		return s[:i]
	}
	return s
}

// skipOptions returns what follows the options field: it ends at the first
// blank outside double quotes; an unterminated quote is not ok.
func skipOptions(s string) (string, bool) {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && quoted && i+1 < len(s):
			i++
		case c == '"':
			quoted = !quoted
		case (c == ' ' || c == '\t') && !quoted:
			return s[i:], true
		}
	}
	return "", false
}

// isKeyType: the key types sshd accepts in authorized_keys.
func isKeyType(s string) bool {
	switch s {
	case "ssh-ed25519", "ssh-rsa", "ssh-dss", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com":
		return true
	}
	return strings.HasPrefix(s, "ecdsa-sha2-") || strings.HasSuffix(s, "-cert-v01@openssh.com")
}
