package queues

// Shutdown shuts the queue down (Python 3.13's Queue.shutdown). Afterwards
// Put and PutNowait return ErrShutDown, and so do the Puts waiting now. Get
// and GetNowait go on returning the items left in the queue and return
// ErrShutDown once it is empty; the Gets waiting now (on an empty queue)
// return ErrShutDown at once.
//
// With immediate, the items left in the queue are dropped as well, and
// counted as done for Join, which returns if no taken item awaits its
// TaskDone. An item already handed to a getter that has not resumed is
// still delivered to it.
//
// Shutdown may be called more than once, from any goroutine; a later call
// with immediate drops what an earlier one left.
func (q *Queue[T]) Shutdown(immediate bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.shut = true
	if immediate {
		q.dropped = true
		q.done(q.store().clear())
	}
	for _, w := range q.getters.PopAll() {
		w.Refuse(ErrShutDown)
	}
	for _, w := range q.putters.PopAll() {
		w.Refuse(ErrShutDown)
	}
}
