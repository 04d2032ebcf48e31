package osthread

import "golang.org/x/sys/unix"

// ID returns the calling thread's id: lwp_gettid(2).
func ID() int {
	id, _, _ := unix.Syscall(unix.SYS_LWP_GETTID, 0, 0, 0)
	return int(id)
}
