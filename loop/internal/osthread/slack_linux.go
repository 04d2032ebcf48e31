package osthread

import (
	"time"

	"golang.org/x/sys/unix"
)

// SetNapSlack sets the calling thread's timer slack to d with
// prctl(PR_SET_TIMERSLACK): how late the kernel may end the thread's
// sleeps so that it can batch wakeups. Linux's default, 50 us, makes a
// 1 us nap last about 95 us; the single-thread loop sets 1 us (see
// loop/internal/driver). It is for a locked thread only, which keeps the
// setting for its life. An error (a kernel without the option) only leaves
// naps longer.
func SetNapSlack(d time.Duration) {
	_ = unix.Prctl(unix.PR_SET_TIMERSLACK, uintptr(d), 0, 0, 0)
}
