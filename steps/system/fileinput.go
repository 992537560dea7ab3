package system

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/edge-setup/edge-setup/edgeprops"
	"github.com/edge-setup/edge-setup/steps"
)

// Options 1, 2 and 3 take their answers from the console or from a parameter
// file. The parameter file is a key=value file with the keys of config.dat
// (tenant.admin.username, tenant.domain.name, ssl.certificate, network.ip,
// ...), plus docker.bridge.cidr and c8y.url. One difference to config.dat:
// tenant.admin.password is written in plain text in a parameter file (the
// operator writes it by hand), while config.dat keeps it base64 encoded.
//
// Every value found in the file goes through the same validation as a console
// answer; a missing or invalid one is asked for on the console, with the
// reason in Prompt.Note.

// Answer keys of the input mode and the parameter file.
const (
	KeyInputMode = "input.mode" // "F" or "C"
	KeyInputFile = "input.file" // the path as the operator typed it
)

// PromptInputMode is the first question of options 1, 2 and 3.
const PromptInputMode = "* Enter [F] to take input from file or [C] to take input from console:"

// Input modes as stored in Answers.
const (
	InputFile    = "F"
	InputConsole = "C"
)

// ReadRootFile reads the file at hostPath under the root the way every
// local file is read: under the root (no link out of it), no link at the
// file itself, only a regular file, at most max bytes (0: edgeprops.MaxReadSize).
func ReadRootFile(env *steps.Env, hostPath string, max int64) ([]byte, error) {
	return edgeprops.ReadFileUnder(steps.EnvRoot(env), steps.RootPath(env, hostPath), max)
}

// ReadOperatorFile reads a file the operator named, with an error text that
// says what is wrong with the path.
func ReadOperatorFile(env *steps.Env, typed, what string) ([]byte, error) {
	typed = strings.TrimSpace(typed)
	if typed == "" {
		return nil, fmt.Errorf("enter the path of the %s", what)
	}
	p := steps.HostPath(env, typed)
	var data []byte
	var err error
	if env.Sandboxed() && filepath.IsAbs(p) {
		data, err = edgeprops.ReadFileUnder(env.Root, p, MaxOperatorFile)
	} else {
		data, err = edgeprops.ReadFile(p, MaxOperatorFile)
	}
	var fe *edgeprops.FileError
	switch {
	case err == nil:
		return data, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s does not exist: check the path of the %s (copy the file to the VM first, e.g. with scp)", typed, what)
	case errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("%s cannot be read (permission denied): make it readable for root or copy it elsewhere", typed)
	case errors.Is(err, syscall.EISDIR), errors.Is(err, edgeprops.ErrNotRegular) && isDir(p):
		return nil, fmt.Errorf("%s is a directory: enter the path of the %s itself", typed, what)
	case errors.Is(err, edgeprops.ErrTooLarge):
		return nil, fmt.Errorf("%s is larger than %d KiB, too large for a %s: check that it is the right file", typed, MaxOperatorFile>>10, what)
	case errors.As(err, &fe):
		return nil, fmt.Errorf("the %s: %w", what, err)
	}
	return nil, fmt.Errorf("%s cannot be read: %v", typed, err)
}

func isDir(p string) bool {
	st, err := os.Lstat(p)
	return err == nil && st.IsDir()
}

// MaxOperatorFile bounds the files operators name (certificates, keys,
// licences, parameter files): anything larger is the wrong file.
const MaxOperatorFile = 1 << 20

func inputModePrompt() *steps.Prompt {
	return &steps.Prompt{
		Key:  KeyInputMode,
		Text: PromptInputMode,
		Help: "F reads the answers from a key=value parameter file (config.dat keys); C asks them here.",
		Validate: func(s string) (string, error) {
			switch strings.TrimSpace(s) {
			case "f", "F":
				return InputFile, nil
			case "c", "C":
				return InputConsole, nil
			}
			return "", fmt.Errorf("enter F to take input from a file or C to take input from the console (not %q)", s)
		},
	}
}

func InputFilePrompt(env *steps.Env, text string) *steps.Prompt {
	return &steps.Prompt{
		Key:  KeyInputFile,
		Text: text,
		Help: "A key=value file with config.dat keys; the password is written in plain text there. Missing or invalid values are asked here.",
		Validate: func(s string) (string, error) {
			s = strings.TrimSpace(s)
			if _, err := loadParamFile(env, s); err != nil {
				return "", err
			}
			return s, nil
		},
	}
}

// loadParamFile reads and parses the parameter file the operator named.
func loadParamFile(env *steps.Env, typed string) (map[string]string, error) {
	if _, err := ReadOperatorFile(env, typed, "parameter file"); err != nil {
		return nil, err
	}
	params, err := edgeprops.ParseKeyValueFile(steps.HostPath(env, typed)) // read again: the check above already refused links and devices
	if err != nil {
		return nil, fmt.Errorf("%s is not a key=value parameter file: %v", typed, err)
	}
	if len(params) == 0 {
		return nil, fmt.Errorf("%s holds no parameters: write one key=value per line (keys as in config.dat)", typed)
	}
	return params, nil
}

// InputField is one question of a step that can take input from a file.
type InputField struct {
	Key   string // answers key
	Param string // parameter file key; "" when the file never holds it
	// FromFile, when set, replaces the plain lookup of Param (the password
	// re-entry takes the file's password when that was accepted).
	FromFile func(params map[string]string, a steps.Answers) (string, bool)
	// When, if set, says whether the field is asked at all.
	When   func(a steps.Answers) bool
	Prompt func(a steps.Answers) *steps.Prompt
}

// NextInput drives the input mode, the parameter file and the fields: it
// returns the next question, after filling a with every acceptable value the
// parameter file holds.
func NextInput(env *steps.Env, a steps.Answers, filePromptText string, fields []InputField) (*steps.Prompt, error) {
	if !a.Has(KeyInputMode) {
		return inputModePrompt(), nil
	}
	var params map[string]string
	if a[KeyInputMode] == InputFile {
		if !a.Has(KeyInputFile) {
			return InputFilePrompt(env, filePromptText), nil
		}
		var err error
		params, err = loadParamFile(env, a[KeyInputFile])
		if err != nil {
			// The file changed since it was accepted: ask for it again.
			delete(a, KeyInputFile)
			p := InputFilePrompt(env, filePromptText)
			p.Note = err.Error()
			return p, nil
		}
	}
	for _, f := range fields {
		if a.Has(f.Key) || (f.When != nil && !f.When(a)) {
			continue
		}
		p := f.Prompt(a)
		if params == nil {
			return p, nil
		}
		v, ok := "", false
		if f.FromFile != nil {
			v, ok = f.FromFile(params, a)
		} else if f.Param != "" {
			v, ok = params[f.Param]
		}
		if !ok {
			if f.Param != "" && f.FromFile == nil {
				p.Note = fmt.Sprintf("%s is not in %s: enter it here.", f.Param, a[KeyInputFile])
			}
			return p, nil
		}
		norm, err := p.Check(v)
		if err != nil {
			p.Note = fmt.Sprintf("%s in %s is not usable (%v): enter it here.", f.Param, a[KeyInputFile], err)
			return p, nil
		}
		a[f.Key] = norm
	}
	return nil, nil
}
