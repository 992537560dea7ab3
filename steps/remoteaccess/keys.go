package remoteaccess

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/edge-setup/edge-setup/edgeprops"
)

// KeyPair is an SSH key pair generated for the tenant's web terminal: the
// private key goes to the tenant only, the public key into authorized_keys.
type KeyPair struct {
	PrivatePEM string // OpenSSH private key (PEM); a secret
	Public     string // authorized_keys form "ssh-ed25519 AAAA…", no comment
}

// String never shows the private key.
func (k KeyPair) String() string { return "KeyPair{" + k.Public + ", private key ****}" }

// GoString never shows the private key.
func (k KeyPair) GoString() string { return k.String() }

// NewKeyPair generates an ed25519 key pair.
func NewKeyPair() (KeyPair, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return KeyPair{}, fmt.Errorf("cannot generate an SSH key pair: %w", err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		return KeyPair{}, fmt.Errorf("cannot encode the SSH private key: %w", err)
	}
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		return KeyPair{}, err
	}
	return KeyPair{PrivatePEM: string(pem.EncodeToMemory(block)), Public: authorizedLine(sp)}, nil
}

// authorizedLine is "type base64" without a comment or newline.
func authorizedLine(k ssh.PublicKey) string {
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k)))
}

// hostKeyFiles are the Edge's public host keys, in order of preference.
var hostKeyFiles = []string{
	"etc/ssh/ssh_host_ed25519_key.pub",
	"etc/ssh/ssh_host_ecdsa_key.pub",
	"etc/ssh/ssh_host_rsa_key.pub",
}

// HostKeys are this Edge's SSH host keys (root is the --root directory),
// preferred first. ErrNoHostKey when none can be read.
func HostKeys(root string) ([]ssh.PublicKey, error) {
	var keys []ssh.PublicKey
	var problems []string
	for _, f := range hostKeyFiles {
		data, err := edgeprops.ReadFileUnder(root, filepath.Join(root, f), 64<<10)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		k, _, _, _, err := ssh.ParseAuthorizedKey(data)
		if err != nil {
			problems = append(problems, "/"+f+" holds no SSH public key")
			continue
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		why := "none of /etc/ssh/ssh_host_{ed25519,ecdsa,rsa}_key.pub exists"
		if len(problems) > 0 {
			why = strings.Join(problems, "; ")
		}
		return nil, fmt.Errorf("%w: %s; install and start the SSH server (it creates them) or run ssh-keygen -A", ErrNoHostKey, why)
	}
	return keys, nil
}

// ErrNoHostKey: the Edge has no readable SSH host key.
var ErrNoHostKey = errors.New("this Edge has no SSH host key")

// Fingerprint is the SHA256 fingerprint ssh-keygen -l shows.
func Fingerprint(k ssh.PublicKey) string { return ssh.FingerprintSHA256(k) }

// Account is a local user as /etc/passwd under the root knows it.
type Account struct {
	Name     string
	UID, GID int
	Home     string // as in passwd, absolute on the Edge
}

// LookupAccount reads <root>/etc/passwd for name.
func LookupAccount(root, name string) (Account, error) {
	if name == "" || strings.ContainsAny(name, "/:\x00 \t\n") || name == "." || name == ".." {
		return Account{}, fmt.Errorf("%q is not a user name", name)
	}
	data, err := edgeprops.ReadFileUnder(root, filepath.Join(root, "etc/passwd"), 4<<20)
	if err != nil {
		return Account{}, fmt.Errorf("cannot read /etc/passwd to find the user %s: %w", name, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Split(sc.Text(), ":")
		if len(f) < 7 || f[0] != name {
			continue
		}
		uid, err1 := strconv.Atoi(f[2])
		gid, err2 := strconv.Atoi(f[3])
		if err1 != nil || err2 != nil || !filepath.IsAbs(f[5]) {
			return Account{}, fmt.Errorf("the /etc/passwd line of %s is damaged", name)
		}
		return Account{Name: name, UID: uid, GID: gid, Home: filepath.Clean(f[5])}, nil
	}
	return Account{}, fmt.Errorf("there is no user %s on this Edge (/etc/passwd): create it (adduser %s) or choose another", name, name)
}

// AuthorizedKeysPath is the user's authorized_keys under root (for
// messages and tests; the file is opened through userKeys).
func AuthorizedKeysPath(root string, a Account) string {
	return filepath.Join(root, a.Home, ".ssh", "authorized_keys")
}

// maxAuthorizedKeys bounds the authorized_keys file read.
const maxAuthorizedKeys = 1 << 20

// keyComment is the comment edge-setup's lines for tenant carry.
func keyComment(tenant string) string { return "edge-setup-remote-access@" + commentSafe(tenant) }

// AddAuthorizedKey puts pub into the user's authorized_keys with the
// comment edge-setup-remote-access@<tenant>, keeping every other line
// (earlier keys of edge-setup for the tenant too: RemoveAuthorizedKeys
// drops them once the tenant has the new one). The file is written
// atomically, 0600, in a 0700 .ssh, both owned by the user when edge-setup
// runs as root on the real root; links in the home directory are refused
// (see userKeys). It reports whether the file changed.
func AddAuthorizedKey(root string, a Account, pub, tenant string) (bool, error) {
	u, err := openUserKeys(root, a, true)
	if err != nil {
		return false, err
	}
	defer u.Close()
	comment := keyComment(tenant)
	lines := splitLines(u.data)
	for _, l := range lines {
		if k, c, ok := parseKeyLine(l); ok && k == pub && c == comment {
			return false, nil
		}
	}
	lines = append(lines, pub+" "+comment)
	return true, u.write(joinLines(lines))
}

// RemoveAuthorizedKeys removes edge-setup's lines for tenant from the
// user's authorized_keys, except the one whose key is keep (keep ""
// removes them all), and reports how many it removed. A missing file
// removes nothing.
func RemoveAuthorizedKeys(root string, a Account, tenant, keep string) (int, error) {
	u, err := openUserKeys(root, a, false)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && !u.existed) {
		if u != nil {
			u.Close()
		}
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer u.Close()
	comment := keyComment(tenant)
	var lines []string
	removed := 0
	for _, l := range splitLines(u.data) {
		if k, c, ok := parseKeyLine(l); ok && c == comment && (keep == "" || k != keep) {
			removed++
			continue
		}
		lines = append(lines, l)
	}
	if removed == 0 {
		return 0, nil
	}
	return removed, u.write(joinLines(lines))
}

// AuthorizeKey puts pub into the user's authorized_keys and then drops
// edge-setup's earlier keys for the tenant (AddAuthorizedKey, then
// RemoveAuthorizedKeys keeping pub). It reports whether the file changed.
func AuthorizeKey(root string, a Account, pub, tenant string) (bool, error) {
	added, err := AddAuthorizedKey(root, a, pub, tenant)
	if err != nil {
		return false, err
	}
	removed, err := RemoveAuthorizedKeys(root, a, tenant, pub)
	return added || removed > 0, err
}

// HasKey reports whether the user's authorized_keys holds pub (read like
// AddAuthorizedKey reads it: no link followed on the way).
func HasKey(root string, a Account, pub string) bool {
	if pub == "" {
		return false
	}
	u, err := openUserKeys(root, a, false)
	if err != nil {
		return false
	}
	defer u.Close()
	for _, l := range splitLines(u.data) {
		if k, _, ok := parseKeyLine(l); ok && k == pub {
			return true
		}
	}
	return false
}

func splitLines(data []byte) []string {
	content := strings.TrimSuffix(string(data), "\n")
	if content == "" {
		return nil
	}
	return strings.Split(content, "\n")
}

func joinLines(lines []string) []byte { return []byte(strings.Join(lines, "\n") + "\n") }

// commentSafe keeps a tenant host usable as one authorized_keys comment word.
func commentSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f || r > 0x7e {
			return '_'
		}
		return r
	}, s)
}
