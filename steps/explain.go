package steps

import "github.com/edge-setup/edge-setup/tenantapi"

// explainedError carries an operator-grade message for a tenant error while
// still letting errors.Is/As see the original.
type explainedError struct {
	msg string
	err error
}

func (e *explainedError) Error() string { return e.msg }
func (e *explainedError) Unwrap() error { return e.err }

// Explain prefixes what we were doing to tenantapi.Explain's one-line reason.
func Explain(doing string, err error) error {
	if err == nil {
		return nil
	}
	return &explainedError{msg: doing + ": " + tenantapi.Explain(err), err: err}
}
