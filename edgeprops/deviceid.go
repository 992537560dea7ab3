package edgeprops

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
)

// DeviceIDPrefix starts every device ID edge-setup creates.
const DeviceIDPrefix = "edge-agent-"

// maxDeviceIDLen bounds a device ID (Cumulocity external IDs are short).
const maxDeviceIDLen = 255

// DeviceID returns the Edge's device ID, the one the operator registers in the
// tenant, from usr/edge/properties/edge-agent/device-id (surrounding blanks
// and newlines are ignored). When the file is missing or blank, an ID
// "edge-agent-<random UUID>" is created, written durably (mode 0644) and
// created is true; from then on the same ID is returned, to every Store and
// process, forever. Creation runs under the process lock, so concurrent
// callers all get the one ID that was created. An ID that holds blanks or
// control characters is an error: the file has to be fixed or removed.
func (s *Store) DeviceID() (id string, created bool, err error) {
	id, err = s.readDeviceID()
	if err != nil || id != "" {
		return id, false, err
	}
	err = s.update(func() error {
		// someone may have created it while we waited for the lock
		if id, err = s.readDeviceID(); err != nil || id != "" {
			return err
		}
		u, err := uuid.NewRandom()
		if err != nil {
			return fmt.Errorf("cannot create a device ID: the system's random number source failed: %w", err)
		}
		id = DeviceIDPrefix + u.String()
		if err := s.WriteFile(s.Path(DeviceIDFile), []byte(id+"\n"), 0o644); err != nil {
			id = ""
			return err
		}
		created = true
		return nil
	})
	if err != nil {
		return "", false, err
	}
	return id, created, nil
}

// readDeviceID returns the stored ID, "" when the file is missing or blank.
func (s *Store) readDeviceID() (string, error) {
	path := s.Path(DeviceIDFile)
	data, err := s.ReadFile(path, 4096)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", readError(path, err)
	}
	id := strings.TrimSpace(string(data))
	if err := ValidateDeviceID(id); id != "" && err != nil {
		return "", &FileError{Path: path, Err: err, msg: fmt.Sprintf(
			"%s holds an unusable device ID: %v; correct the file, or delete it to create a new ID (the Edge must then be registered again under the new ID)", path, err)}
	}
	return id, nil
}

// ValidateDeviceID checks that id is usable as a device ID: not empty, at most
// 255 bytes of UTF-8, without blanks or control characters.
func ValidateDeviceID(id string) error {
	switch {
	case id == "":
		return errors.New("the device ID is empty")
	case len(id) > maxDeviceIDLen:
		return fmt.Errorf("the device ID is %d bytes long, more than %d", len(id), maxDeviceIDLen)
	case !utf8.ValidString(id):
		return errors.New("the device ID is not valid UTF-8 text")
	}
	for _, r := range id {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return fmt.Errorf("the device ID %q contains blanks or control characters", id)
		}
	}
	return nil
}
