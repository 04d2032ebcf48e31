//go:build !plan9

package loop_test

import (
	"errors"
	"syscall"
)

// cannotExec reports whether err says the kernel would not start a binary
// (ENOEXEC), as under a user-mode emulator it does not know to use.
func cannotExec(err error) bool { return errors.Is(err, syscall.ENOEXEC) }
