//go:build linux || freebsd || netbsd || openbsd || dragonfly

package osthread

import (
	"time"

	"golang.org/x/sys/unix"
)

// Nap blocks the calling thread for d in nanosleep(2): the kernel's
// high-resolution timers end it within tens of microseconds (see
// SetNapSlack), where a runtime timer on these systems can fire a
// millisecond late. An interruption (the runtime's preemption signal, say)
// only makes it shorter.
func Nap(d time.Duration) {
	ts := unix.NsecToTimespec(int64(d))
	_ = unix.Nanosleep(&ts, nil)
}
