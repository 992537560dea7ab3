package edgeprops

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
)

// statePath returns <root>/var/lib/edge-setup/<name>.json after checking that
// name is a plain name (letters, digits, '.', '-', '_', not starting with '.').
func (s *Store) statePath(name string) (string, error) {
	ok := name != "" && name[0] != '.' && len(name) <= 100
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			ok = false
		}
	}
	if !ok {
		return "", fmt.Errorf("edgeprops: invalid state name %q: use letters, digits, '.', '-' and '_'", name)
	}
	return filepath.Join(s.Path(StateDir), name+".json"), nil
}

// ReadState decodes the JSON record <root>/var/lib/edge-setup/<name>.json
// into v. found is false (and v untouched) when there is no such record.
func (s *Store) ReadState(name string, v any) (found bool, err error) {
	path, err := s.statePath(name)
	if err != nil {
		return false, err
	}
	data, err := s.ReadFile(path, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, readError(path, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return true, damagedError(path, err, "delete it and run the step it records again")
	}
	return true, nil
}

// WriteState writes v as the JSON record <root>/var/lib/edge-setup/<name>.json,
// atomically and with mode 0600 (the directory is 0700).
func (s *Store) WriteState(name string, v any) error {
	path, err := s.statePath(name)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("edgeprops: cannot encode state %q: %w", name, err)
	}
	data = append(data, '\n')
	return s.update(func() error {
		dir := filepath.Dir(path)
		parent, err := s.confined().MkdirAll(filepath.Dir(dir), 0o755)
		if err != nil {
			return writeError(path, err, false)
		}
		_ = parent.Close()
		d, err := s.confined().MkdirAll(dir, 0o700)
		if err != nil {
			return writeError(path, err, false)
		}
		_ = d.Close()
		return s.WriteFile(path, data, 0o600)
	})
}
