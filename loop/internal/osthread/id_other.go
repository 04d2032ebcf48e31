//go:build !linux && !darwin && !freebsd && !netbsd && !dragonfly && !windows

package osthread

// ID returns 0: this platform offers Go no thread id without cgo (OpenBSD
// allows system calls only through its libc; Solaris, illumos, AIX,
// Plan 9, js and WASI have none the loop can reach). Callers treat 0 as
// "unknown": the single-thread loop's ThreadID reports 0 and its debug
// check for calls from other threads is skipped.
func ID() int { return 0 }
