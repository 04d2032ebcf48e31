//go:build !(linux || freebsd || netbsd || openbsd || dragonfly)

package osthread

import "time"

// Nap blocks the calling goroutine for about d with time.Sleep: the
// fallback where Go has no nanosleep(2) to call (macOS, Windows and the
// rest). The runtime's own timers there are what the loop's naps get.
func Nap(d time.Duration) { time.Sleep(d) }
