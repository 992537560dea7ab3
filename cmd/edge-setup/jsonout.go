package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/edge-setup/edge-setup/steps/safetext"
)

// writeJSON prints v as indented JSON whose strings hold no character a
// terminal could act on: encoding/json escapes C0 controls but not C1
// controls (U+0080-U+009F, which UTF-8 terminals may take as CSI) or the
// bidirectional overrides, so those are written as \uXXXX escapes too. The
// JSON stays valid and decodes to the same text.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	data := buf.Bytes()
	var out bytes.Buffer
	out.Grow(len(data))
	for len(data) > 0 {
		r, n := utf8.DecodeRune(data)
		if r >= 0x80 && !safetext.Safe(string(data[:n])) {
			fmt.Fprintf(&out, `\u%04x`, r)
		} else {
			out.Write(data[:n])
		}
		data = data[n:]
	}
	_, err := w.Write(out.Bytes())
	return err
}
