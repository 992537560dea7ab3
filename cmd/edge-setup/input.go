package main

import (
	"fmt"
	"io"
	"os"

	"github.com/edge-setup/edge-setup/edgeprops"
)

// readInputFile reads a file named on the command line with a size bound,
// without following a link; "-" is standard input.
func readInputFile(path string, max int64) ([]byte, error) {
	if path != "-" {
		return edgeprops.ReadFile(path, max)
	}
	data, err := io.ReadAll(io.LimitReader(os.Stdin, max+1))
	if err == nil && int64(len(data)) > max {
		err = fmt.Errorf("standard input holds more than %d bytes", max)
	}
	return data, err
}
