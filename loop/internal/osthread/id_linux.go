package osthread

import "golang.org/x/sys/unix"

// ID returns the calling thread's id: gettid(2).
func ID() int { return unix.Gettid() }
