package tenantsim

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

const (
	infoURL      = "https://cumulocity.com/guides/reference/rest-implementation"
	vndPrefix    = "application/vnd.com.nsn.cumulocity."
	errorType    = vndPrefix + "error+json"
	maxBodyBytes = 1 << 20 // requests larger than this are refused with 413
)

// mediaType is the full vnd media type for a resource name, e.g.
// mediaType("newDeviceRequest").
func mediaType(name string) string { return vndPrefix + name + "+json" }

// writeError answers with the platform's error body.
func writeError(w http.ResponseWriter, status int, code, message string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="Cumulocity"`)
	}
	body, _ := json.Marshal(map[string]string{"error": code, "message": message, "info": infoURL})
	w.Header().Set("Content-Type", errorType+";charset=UTF-8;ver=0.9")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeValidation(w http.ResponseWriter, message string) {
	writeError(w, http.StatusUnprocessableEntity, "undefined/validationError", message)
}

func writeForbidden(w http.ResponseWriter) {
	writeError(w, http.StatusForbidden, "security/Forbidden", "Access is denied")
}

func writeMethodNotAllowed(w http.ResponseWriter, r *http.Request, allow ...string) {
	w.Header().Set("Allow", strings.Join(allow, ", "))
	writeError(w, http.StatusMethodNotAllowed, "undefined/methodNotAllowed",
		"Request method '"+r.Method+"' is not supported here.")
}

// writeJSON answers with v under the vnd media type of name. For POST and
// PUT the body is left out unless the request carries an Accept header, as
// the platform does; the status code is the same either way.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, name string, v any) {
	if (r.Method == http.MethodPost || r.Method == http.MethodPut) && r.Header.Get("Accept") == "" {
		w.WriteHeader(status)
		return
	}
	body, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "undefined/internalError", "cannot encode the answer")
		return
	}
	ct := "application/json"
	if name != "" {
		// The platform answers with lower-case media types
		// (managedobjectcollection), whatever spelling the request used.
		ct = strings.ToLower(mediaType(name))
	}
	w.Header().Set("Content-Type", ct+";charset=UTF-8;ver=0.9")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// acceptable reports whether the Accept header admits the vnd type of name
// (or plain JSON). An absent header admits everything.
func acceptable(r *http.Request, name string) bool {
	h := r.Header.Get("Accept")
	if strings.TrimSpace(h) == "" {
		return true
	}
	for _, part := range strings.Split(h, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch {
		case mt == "*/*", mt == "application/*", mt == "application/json":
			return true
		case name != "" && strings.EqualFold(mt, mediaType(name)):
			return true
		}
	}
	return false
}

// contentTypeFits reports whether the request's Content-Type is the vnd type
// of name or plain JSON (case-insensitively, parameters ignored).
func contentTypeFits(r *http.Request, name string) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return false
	}
	return mt == "application/json" || (name != "" && strings.EqualFold(mt, mediaType(name)))
}

// checkAccept answers 406 and returns false when the Accept header rules
// out the answer's media type.
func checkAccept(w http.ResponseWriter, r *http.Request, name string) bool {
	if acceptable(r, name) {
		return true
	}
	writeError(w, http.StatusNotAcceptable, "undefined/notAcceptable",
		"Cannot answer with any of the accepted media types; this resource is "+mediaType(name)+".")
	return false
}

// readItemRequest checks what a request on one item of media type name
// needs: a PUT's body is decoded into in, a GET must accept name. On
// failure it has already answered and returns false.
func readItemRequest(w http.ResponseWriter, r *http.Request, name string, in *map[string]any) bool {
	switch r.Method {
	case http.MethodPut:
		return readBody(w, r, name, in)
	case http.MethodGet:
		return checkAccept(w, r, name)
	}
	return true
}

// readBody checks media types and decodes a JSON object from the request.
// On failure it has already answered and returns false.
func readBody(w http.ResponseWriter, r *http.Request, name string, into any) bool {
	if !contentTypeFits(r, name) {
		want := "application/json"
		if name != "" {
			want = mediaType(name)
		}
		writeError(w, http.StatusUnsupportedMediaType, "undefined/unsupportedMediaType",
			"Content type '"+r.Header.Get("Content-Type")+"' is not supported; send "+want+".")
		return false
	}
	if !checkAccept(w, r, name) {
		return false
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		writeError(w, http.StatusBadRequest, "undefined/badRequest", "Cannot read the request body.")
		return false
	}
	if len(data) > maxBodyBytes {
		writeError(w, http.StatusRequestEntityTooLarge, "undefined/requestTooLarge", "The request body is too large.")
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(into); err != nil {
		writeError(w, http.StatusBadRequest, "undefined/badRequest", "The request body is not a valid JSON object.")
		return false
	}
	return true
}

// page reads currentPage and pageSize; on a bad value it answers 422.
func page(w http.ResponseWriter, r *http.Request) (cur, size int, ok bool) {
	cur, size = 1, 5
	q := r.URL.Query()
	if v := q.Get("currentPage"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeValidation(w, "currentPage must be a whole number from 1.")
			return 0, 0, false
		}
		cur = n
	}
	if v := q.Get("pageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeValidation(w, "pageSize must be a whole number from 1 to 2000.")
			return 0, 0, false
		}
		size = min(n, 2000)
	}
	return cur, size, true
}

// nextOnlyWhenMoreKey marks requests of a Sim with Options.NextOnlyWhenMore.
type nextOnlyWhenMoreKey struct{}

// collection slices items to the page and builds the platform's collection
// body under key. Like the platform it sends "next" whenever the page is
// full, even when it is the last one (unless Options.NextOnlyWhenMore), and
// totalPages/totalElements only when asked.
func collection[T any](r *http.Request, key string, items []T, cur, size int) map[string]any {
	nextOnlyWhenMore, _ := r.Context().Value(nextOnlyWhenMoreKey{}).(bool)
	from := min((cur-1)*size, len(items))
	to := min(from+size, len(items))
	stats := map[string]any{"currentPage": cur, "pageSize": size}
	if r.URL.Query().Get("withTotalPages") == "true" {
		stats["totalPages"] = (len(items) + size - 1) / size
	}
	if r.URL.Query().Get("withTotalElements") == "true" {
		stats["totalElements"] = len(items)
	}
	body := map[string]any{
		key:          append([]T{}, items[from:to]...),
		"statistics": stats,
		"self":       pageURL(r, cur, size),
	}
	if to < len(items) || (!nextOnlyWhenMore && to-from == size) {
		body["next"] = pageURL(r, cur+1, size)
	}
	if cur > 1 {
		body["prev"] = pageURL(r, cur-1, size)
	}
	return body
}

func pageURL(r *http.Request, cur, size int) string {
	q := r.URL.Query()
	q.Set("currentPage", strconv.Itoa(cur))
	q.Set("pageSize", strconv.Itoa(size))
	return selfURL(r, r.URL.Path) + "?" + q.Encode()
}

// selfURL is the absolute URL of path on the host the request came to.
func selfURL(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// str reads a string field from a decoded JSON object.
func str(m map[string]any, k string) string {
	v, _ := m[k].(string)
	return v
}
