package edgeprops

import (
	"strings"
)

// ParseKeyValueFile reads a parameter file of the config.dat syntax, the file
// an operator gives options 1 to 3 in file mode. The syntax is that of
// Properties (comments, blank lines, "key=value", "key: value", escapes);
// CRLF line ends and a UTF-8 byte order mark, as Windows editors write them,
// are fine; blanks after a value are dropped (operators leave them, and no
// parameter ends with one). When a key appears more than once the last one
// counts. Errors say which file and what to do.
func ParseKeyValueFile(path string) (map[string]string, error) {
	data, err := ReadFile(path, 1<<20)
	if err != nil {
		return nil, err
	}
	p, err := ParseProperties(data)
	if err != nil {
		return nil, &FileError{Path: path, Err: err, msg: "the parameter file " + path + " cannot be used: " + err.Error() + "; give the path of a text file of key=value lines"}
	}
	m := p.Map()
	for k, v := range m {
		m[k] = strings.TrimRight(v, " \t\f")
	}
	return m, nil
}
