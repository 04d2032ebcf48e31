//go:build unix && !linux

package streams

import "syscall"

// sockWrite is the eager write's system call (see rawWriter); Linux's
// skips the scheduler's bookkeeping.
func sockWrite(fd int, p []byte) (int, error) { return syscall.Write(fd, p) }
