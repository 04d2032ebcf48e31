package loop

// PendingTimers returns how many timers wait in l's heap.
func PendingTimers(l *Loop) int { return l.drv.Len() }

// SetDefaultHandlerForTest makes h receive what the default exception
// handler would print when a loop's handler panics, until restore.
func SetDefaultHandlerForTest(h func(error)) (restore func()) {
	old := lastResort
	lastResort = h
	return func() { lastResort = old }
}
