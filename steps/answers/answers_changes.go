package answers

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"sort"
	"sync"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/system"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// Outcome of one option of an answers file.
const (
	ResultChanged   = "changed"
	ResultUnchanged = "unchanged"
	ResultFailed    = "failed"
)

// OptionResult is what one option of an answers file did, measured rather
// than claimed: the Edge's files edge-setup writes compared before and
// after, and the requests the tenants accepted that change something.
type OptionResult struct {
	Option  string   `json:"option"` // the operator's name: 7, S, B
	Title   string   `json:"title"`
	Result  string   `json:"result"`            // changed, unchanged or failed
	Changes []string `json:"changes,omitempty"` // what changed: files and tenant requests
	Detail  string   `json:"detail,omitempty"`  // why nothing was done, or why it failed
}

// changeRecorder collects what one option changes.
type changeRecorder struct {
	env    *steps.Env
	before map[string]string
	mu     sync.Mutex
	tenant []string
}

// watch returns a copy of env whose tenant clients report their changes
// to the recorder, and notes the Edge's files as they are now.
func (r *changeRecorder) watch(env *steps.Env) *steps.Env {
	r.env = env
	r.before = edgeFiles(env)
	r.tenant = nil
	watched := *env
	watched.NewClient = func(base string) (*tenantapi.Client, error) {
		c, err := env.NewClient(base)
		if c != nil {
			c.OnChange(func(method, path string) {
				r.mu.Lock()
				defer r.mu.Unlock()
				if line := method + " " + path; !slices.Contains(r.tenant, line) {
					r.tenant = append(r.tenant, line)
				}
			})
		}
		return c, err
	}
	return &watched
}

// changes lists what changed since watch: files first, then requests.
func (r *changeRecorder) changes() []string {
	after := edgeFiles(r.env)
	var out []string
	for p, v := range after {
		switch old, ok := r.before[p]; {
		case !ok:
			out = append(out, "/"+p+" created")
		case old != v:
			out = append(out, "/"+p+" changed")
		}
	}
	for p := range r.before {
		if _, ok := after[p]; !ok {
			out = append(out, "/"+p+" removed")
		}
	}
	sort.Strings(out)
	r.mu.Lock()
	defer r.mu.Unlock()
	return append(out, r.tenant...)
}

// bookkeeping are files that record runs, not the Edge's configuration.
var bookkeeping = []string{steps.ActionLogFile, filepath.Join(edgeprops.StateDir, system.CompletionState+".json")}

// edgeFiles fingerprints the regular files under the directories edge-setup
// writes to (root-relative path -> content digest).
func edgeFiles(env *steps.Env) map[string]string {
	out := map[string]string{}
	for _, dir := range edgeprops.WriteDirs() {
		_ = filepath.WalkDir(filepath.Join(env.Root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return nil
			}
			rel, rerr := filepath.Rel(env.Root, p)
			if rerr != nil || slices.Contains(bookkeeping, rel) {
				return nil
			}
			out[rel] = fileDigest(p, d)
			return nil
		})
	}
	return out
}

func fileDigest(p string, d fs.DirEntry) string {
	info, err := d.Info()
	if err != nil {
		return "unreadable"
	}
	meta := fmt.Sprintf("%v %d", info.Mode(), info.Size())
	data, err := edgeprops.ReadFile(p, 4<<20)
	if err != nil {
		return meta + " " + info.ModTime().String()
	}
	sum := sha256.Sum256(data)
	return meta + " " + hex.EncodeToString(sum[:])
}
