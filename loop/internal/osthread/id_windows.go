package osthread

import "golang.org/x/sys/windows"

// ID returns the calling thread's id: GetCurrentThreadId.
func ID() int { return int(windows.GetCurrentThreadId()) }
