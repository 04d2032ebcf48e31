//go:build !linux

package osthread

import "time"

// SetNapSlack does nothing: timer slack is a Linux setting.
func SetNapSlack(time.Duration) {}
