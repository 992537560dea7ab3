package edgeprops

import (
	"errors"
	"io/fs"
	"os"
)

// readProps reads the properties file at rel. exists is false (and the
// document empty) when the file is missing.
func (s *Store) readProps(rel string) (p *Properties, exists bool, err error) {
	path := s.Path(rel)
	data, err := s.ReadFile(path, 0)
	if errors.Is(err, fs.ErrNotExist) {
		p, _ = ParseProperties(nil)
		return p, false, nil
	}
	if err != nil {
		return nil, false, readError(path, err)
	}
	p, err = ParseProperties(data)
	if err != nil {
		return nil, true, damagedError(path, err, "restore it from a backup, or delete it and configure again")
	}
	return p, true, nil
}

// updateProps reads the properties file at rel, lets edit change it and
// writes it back atomically with the mode perm returns for the result.
// A missing file starts empty.
func (s *Store) updateProps(rel string, edit func(*Properties), perm func(*Properties) os.FileMode) error {
	return s.update(func() error {
		p, _, err := s.readProps(rel)
		if err != nil {
			return err
		}
		edit(p)
		return s.WriteFile(s.Path(rel), p.Bytes(), perm(p))
	})
}

// setOrDelete sets key to value, or deletes key when value is empty.
func setOrDelete(p *Properties, key, value string) {
	if value == "" {
		p.Delete(key)
		return
	}
	p.Set(key, value)
}

func fixedMode(m os.FileMode) func(*Properties) os.FileMode {
	return func(*Properties) os.FileMode { return m }
}
