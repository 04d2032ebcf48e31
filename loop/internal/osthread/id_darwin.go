package osthread

import "golang.org/x/sys/unix"

// ID returns the calling thread's id: thread_selfid, the system call
// behind pthread_threadid_np, which needs no cgo. It returns 0 if the
// call fails.
func ID() int {
	id, _, errno := unix.Syscall(unix.SYS_THREAD_SELFID, 0, 0, 0)
	if errno != 0 {
		return 0
	}
	return int(id)
}
