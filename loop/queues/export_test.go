package queues

// Waiting returns how many getters and putters are waiting on q, so that
// tests can set up a waiting Get or Put without sleeping.
func Waiting[T any](q *Queue[T]) (getters, putters int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.getters.Len(), q.putters.Len()
}
