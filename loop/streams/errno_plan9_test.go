package streams_test

import "errors"

// Plan 9 reports network failures as strings, not errno values, so the
// fault tests' errno checks cannot match there; these stand in for them
// so the tests still build (and vet) on Plan 9.
var (
	errConnReset   = errors.New("connection reset")
	errConnRefused = errors.New("connection refused")
	errNetUnreach  = errors.New("network unreachable")
	errHostUnreach = errors.New("host unreachable")
)
