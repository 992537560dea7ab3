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
	"os"
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
		path := filepath.Join(root, f)
		data, err := edgeprops.ReadFile(path, 64<<10)
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
	data, err := edgeprops.ReadFile(filepath.Join(root, "etc/passwd"), 4<<20)
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

// AuthorizedKeysPath is the user's authorized_keys under root.
func AuthorizedKeysPath(root string, a Account) string {
	return filepath.Join(root, a.Home, ".ssh", "authorized_keys")
}

// maxAuthorizedKeys bounds the authorized_keys file read.
const maxAuthorizedKeys = 1 << 20

// AuthorizeKey puts pub into the user's authorized_keys with a comment
// naming the tenant: existing lines are kept, except an earlier line of
// edge-setup for the same tenant, which is replaced (its private key is
// no longer used). The file is written atomically, mode 0600, in a 0700
// .ssh directory owned by the user (when running as root). It reports
// whether the file changed.
func AuthorizeKey(root string, a Account, pub, tenant string) (bool, error) {
	path := AuthorizedKeysPath(root, a)
	comment := "edge-setup-remote-access@" + commentSafe(tenant)
	old, err := edgeprops.ReadFile(path, maxAuthorizedKeys)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	existed := err == nil
	var lines []string
	found := false
	var existing []string
	if content := strings.TrimSuffix(string(old), "\n"); content != "" {
		existing = strings.Split(content, "\n")
	}
	for _, l := range existing {
		if strings.HasSuffix(strings.TrimSpace(l), " "+comment) {
			if strings.HasPrefix(strings.TrimSpace(l), pub+" ") && !found {
				found = true
				lines = append(lines, l)
			}
			continue // an earlier key of ours for this tenant
		}
		lines = append(lines, l)
	}
	if !found {
		lines = append(lines, pub+" "+comment)
	}
	data := []byte(strings.Join(lines, "\n") + "\n")
	if existed && bytes.Equal(data, old) {
		return false, nil
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false, fmt.Errorf("cannot create %s: %w", dir, err)
	}
	if err := edgeprops.WriteFileAtomic(path, data, 0o600); err != nil {
		return false, err
	}
	if os.Geteuid() == 0 && filepath.Clean(root) == "/" {
		// sshd refuses keys in files or directories the user does not own
		// (under a sandbox root the passwd's uids are not this system's).
		_ = os.Lchown(dir, a.UID, a.GID)
		_ = os.Lchown(path, a.UID, a.GID)
	}
	return true, nil
}

// HasKey reports whether the user's authorized_keys holds pub.
func HasKey(root string, a Account, pub string) bool {
	data, err := edgeprops.ReadFile(AuthorizedKeysPath(root, a), maxAuthorizedKeys)
	if err != nil || pub == "" {
		return false
	}
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0]+" "+f[1] == pub {
			return true
		}
	}
	return false
}

// commentSafe keeps a tenant host usable as one authorized_keys comment word.
func commentSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f || r > 0x7e {
			return '_'
		}
		return r
	}, s)
}
