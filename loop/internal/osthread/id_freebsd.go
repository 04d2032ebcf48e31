package osthread

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// ID returns the calling thread's id: thr_self(2), which writes it through
// a pointer. It returns 0 if the call fails.
func ID() int {
	var id int64
	// thr_self takes a long *: the only unsafe use in this package, to
	// hand the kernel the address it writes to.
	if _, _, errno := unix.Syscall(unix.SYS_THR_SELF, uintptr(unsafe.Pointer(&id)), 0, 0); errno != 0 {
		return 0
	}
	return int(id)
}
