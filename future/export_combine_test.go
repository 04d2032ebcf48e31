package future

// PendingCallbacks returns how many OnDone callbacks f holds, so that the
// combinator tests can check what a settled combinator leaves behind.
func PendingCallbacks[T any](f *Future[T]) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	if f.rest != nil {
		n = len(*f.rest)
	}
	if f.first != nil {
		n++
	}
	return n
}
