// TEMPORARY: replaced by keys.go from issue15 at merge

package remoteaccess

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/edge-setup/edge-setup/edgeprops"
)

// AddAuthorizedKey puts pub into the user's authorized_keys with a comment
// naming the tenant, keeping every earlier line (earlier keys of
// edge-setup included: RemoveAuthorizedKeys drops them once the tenant
// holds the new private key). It reports whether the file changed.
func AddAuthorizedKey(root string, a Account, pub, tenant string) (bool, error) {
	if HasKey(root, a, pub) {
		return false, nil
	}
	path := AuthorizedKeysPath(root, a)
	old, err := edgeprops.ReadFile(path, maxAuthorizedKeys)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	content := string(old)
	if content != "" && !strings.HasSuffix(content, "\n") {
		content += "\n"
	}
	content += pub + " edge-setup-remote-access@" + commentSafe(tenant) + "\n"
	return true, writeAuthorizedKeys(root, a, path, []byte(content))
}

// RemoveAuthorizedKeys removes the lines edge-setup wrote for tenant,
// except the key keep ("" removes them all). It returns how many went.
func RemoveAuthorizedKeys(root string, a Account, tenant, keep string) (int, error) {
	path := AuthorizedKeysPath(root, a)
	old, err := edgeprops.ReadFile(path, maxAuthorizedKeys)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	comment := " edge-setup-remote-access@" + commentSafe(tenant)
	var lines []string
	removed := 0
	for _, l := range strings.Split(strings.TrimSuffix(string(old), "\n"), "\n") {
		t := strings.TrimSpace(l)
		if strings.HasSuffix(t, comment) && (keep == "" || !strings.HasPrefix(t, keep+" ")) {
			removed++
			continue
		}
		lines = append(lines, l)
	}
	if removed == 0 {
		return 0, nil
	}
	data := []byte(strings.Join(lines, "\n") + "\n")
	if len(lines) == 0 {
		data = nil
	}
	if bytes.Equal(data, old) {
		return 0, nil
	}
	return removed, writeAuthorizedKeys(root, a, path, data)
}

func writeAuthorizedKeys(root string, a Account, path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("cannot create %s: %w", dir, err)
	}
	if err := edgeprops.WriteFileUnder(root, path, data, 0o600); err != nil {
		return err
	}
	if os.Geteuid() == 0 && filepath.Clean(root) == "/" {
		_ = os.Lchown(dir, a.UID, a.GID)
		_ = os.Lchown(path, a.UID, a.GID)
	}
	return nil
}
