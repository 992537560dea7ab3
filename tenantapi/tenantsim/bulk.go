package tenantsim

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
)

// /devicecontrol/bulkNewDeviceRequests: POST a CSV as the multipart part
// "file" (ref; OpenAPI "Create a bulk device credentials request"). The
// first line names the columns; the separator is a tab, ';' or ','. The
// simple form (ID;PATH) creates registration requests to accept. The full
// form (with CREDENTIALS) creates devices with credentials: tenantsim does
// not simulate it and fails each such line with tenantsim/notSimulated.
// The answer (201, BulkNewDeviceRequest) counts the lines without the
// header and lists the failed ones.
func (s *Sim) handleBulkNewDeviceRequests(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeMethodNotAllowed(w, r, http.MethodPost)
		return
	}
	a := s.userWith(w, r, RoleDeviceControlAdmin)
	if a == nil {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	f, _, err := r.FormFile("file")
	if err != nil {
		writeValidation(w, "Expected a multipart/form-data request with the CSV file in the part 'file'.")
		return
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		writeValidation(w, "Cannot read the uploaded file.")
		return
	}
	lines := strings.Split(strings.ReplaceAll(string(bytes.TrimSpace(data)), "\r\n", "\n"), "\n")
	sep := csvSeparator(lines[0])
	header := strings.Split(strings.ToUpper(lines[0]), sep)
	if len(header) == 0 || strings.TrimSpace(header[0]) != "ID" {
		// Guess: the platform's wording for a file without the ID column.
		writeValidation(w, "The first line of the file must name the columns, starting with ID (e.g. ID;PATH).")
		return
	}
	full := false
	for _, h := range header {
		full = full || strings.TrimSpace(h) == "CREDENTIALS"
	}
	out := map[string]any{}
	var failed []map[string]any
	all, created := 0, 0
	for _, line := range lines[1:] {
		if strings.TrimSpace(line) == "" {
			continue
		}
		all++
		id := strings.TrimSpace(strings.Split(line, sep)[0])
		fail := func(reason string) {
			e := map[string]any{"bulkNewDeviceStatus": "FAILED", "failureReason": reason, "line": line}
			if id != "" {
				e["deviceId"] = id
			}
			failed = append(failed, e)
		}
		switch {
		case id == "":
			fail("The line has no device ID.") // Guess: wording
		case full:
			fail("tenantsim/notSimulated: the full form (with CREDENTIALS) is not simulated; use ID;PATH")
		default:
			// Guess: PATH's group is not created; a device that already has a
			// request fails with the single POST's duplicate message.
			if _, err := s.createRequest(id, a.name, "", ""); errors.Is(err, errDuplicate) {
				fail("A device request for '" + id + "' already exists.")
			} else {
				created++
			}
		}
	}
	out["numberOfAll"], out["numberOfCreated"], out["numberOfFailed"], out["numberOfSuccessful"] = all, created, len(failed), created
	out["credentialUpdatedList"] = []any{}
	if failed == nil {
		failed = []map[string]any{}
	}
	out["failedCreationList"] = failed
	writeJSON(w, r, http.StatusCreated, "bulkNewDeviceRequest", out)
}

// csvSeparator is the first of tab, ';' and ',' in the header line.
func csvSeparator(header string) string {
	i := strings.IndexAny(header, "\t;,")
	if i < 0 {
		return ";"
	}
	return header[i : i+1]
}
