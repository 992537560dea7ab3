package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
	"github.com/edge-setup/edge-setup/steps/safetext"
	"github.com/edge-setup/edge-setup/steps/system"
	"github.com/edge-setup/edge-setup/tenantapi"
)

// envBundle is the steps' environment plus what main must close.
type envBundle struct {
	*steps.Env
	close func()
}

// newEnv wires the steps' environment for a root directory.
func newEnv(root string, g *globals) (*envBundle, error) {
	var debug io.Writer
	closeFn := func() {}
	if g.debug {
		path := filepath.Join(root, "var/log/edge-setup-debug.log")
		f, err := edgeprops.OpenAppendUnder(root, path, 0o600)
		if err != nil {
			return nil, fmt.Errorf("cannot open the debug log: %w", err)
		}
		// tenant text in a trace (URLs, error bodies) reaches the log made safe
		debug, closeFn = safetext.Writer(f), func() { f.Close() }
	}
	caCert := g.caCert
	edgeURL, err := system.NormalizeCloudURL(g.edgeURL)
	if err != nil || edgeURL == "" {
		closeFn()
		if err == nil {
			err = fmt.Errorf("it is empty")
		}
		return nil, fmt.Errorf("--edge-url %q cannot be used: %v (the Edge's own platform, default http://localhost:8181)", g.edgeURL, err)
	}
	env := &steps.Env{
		Root:       root,
		Props:      edgeprops.New(root),
		Runner:     steps.NewRunner(root),
		Getenv:     os.Getenv,
		Now:        time.Now,
		Version:    version,
		EdgeURL:    edgeURL,
		CACertFile: caCert,
		Memory:     &steps.Memory{},
		Executable: executable(),
		NewClient: func(baseURL string) (*tenantapi.Client, error) {
			return tenantapi.New(tenantapi.Options{
				BaseURL:    baseURL,
				CACertFile: caCert,
				UserAgent:  "edge-setup/" + version,
				Debug:      debug,
			})
		},
	}
	return &envBundle{Env: env, close: closeFn}, nil
}

// executable is the path of this edge-setup with its links resolved ("" when
// the system cannot say): the relay's unit starts the same binary.
func executable() string {
	self, err := os.Executable()
	if err != nil {
		return ""
	}
	if real, err := filepath.EvalSymlinks(self); err == nil {
		return real
	}
	return self
}
