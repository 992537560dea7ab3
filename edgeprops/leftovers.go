package edgeprops

import (
	"path/filepath"
	"strings"
	"sync"
)

// writeDirs are the directories (relative to the root) edge-setup writes
// files into with WriteFileAtomic: where a crash may have left a temporary
// file behind. Steps register theirs with RegisterWriteDir.
var (
	writeDirsMu sync.Mutex
	writeDirs   = []string{AgentDir, PostInstallerDir, StateDir}
)

// RegisterWriteDir adds a directory (relative to the root, e.g.
// "etc/netplan") whose crash leftovers RemoveLeftovers removes.
func RegisterWriteDir(rel string) {
	writeDirsMu.Lock()
	defer writeDirsMu.Unlock()
	rel = strings.TrimPrefix(filepath.Clean("/"+rel), "/")
	for _, d := range writeDirs {
		if d == rel {
			return
		}
	}
	writeDirs = append(writeDirs, rel)
}

// isAtomicTemp reports whether name is a temporary file of WriteFileAtomic
// (".<target>.tmp-<digits>").
func isAtomicTemp(name string) bool {
	if !strings.HasPrefix(name, ".") {
		return false
	}
	i := strings.LastIndex(name, ".tmp-")
	if i <= 0 || i+5 == len(name) {
		return false
	}
	for _, c := range name[i+5:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// RemoveLeftovers removes the temporary files a crash (power loss, SIGKILL)
// left in the directories edge-setup writes to: they may hold a password
// and are never used again. It runs when the process lock is taken (so no
// other copy is writing) and returns the paths it removed. Links and other
// non-regular files of that name are removed as names, never followed.
func (s *Store) RemoveLeftovers() []string {
	writeDirsMu.Lock()
	dirs := append([]string(nil), writeDirs...)
	writeDirsMu.Unlock()
	var removed []string
	for _, rel := range dirs {
		dir, err := s.confined().OpenDir(s.Path(rel))
		if err != nil {
			continue // missing, or leads out of the root
		}
		removed = append(removed, RemoveTempsIn(dir, isAtomicTemp)...)
		_ = dir.Close()
	}
	return removed
}

// WriteDirs lists the directories (relative to the root) edge-setup writes
// files into: apply compares them before and after an option to say
// truthfully what it changed.
func WriteDirs() []string {
	writeDirsMu.Lock()
	defer writeDirsMu.Unlock()
	return append([]string(nil), writeDirs...)
}
