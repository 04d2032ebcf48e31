//go:build !plan9

package streams_test

import "syscall"

// The errno values the fault tests expect from the network.
var (
	errConnReset   error = syscall.ECONNRESET
	errConnRefused error = syscall.ECONNREFUSED
	errNetUnreach  error = syscall.ENETUNREACH
	errHostUnreach error = syscall.EHOSTUNREACH
)
