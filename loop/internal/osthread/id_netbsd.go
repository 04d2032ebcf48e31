package osthread

import "golang.org/x/sys/unix"

// ID returns the calling thread's id: _lwp_self(2).
func ID() int {
	id, _, _ := unix.Syscall(unix.SYS__LWP_SELF, 0, 0, 0)
	return int(id)
}
