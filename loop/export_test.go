package loop

// PendingTimers returns how many timers wait in l's heap.
func PendingTimers(l *Loop) int { return l.drv.Len() }
