package locks

// The number of waiters queued on each primitive, so that tests can wait
// until a task has reached its Acquire or Wait before starting the next,
// which is how they pin down an arrival order without sleeping.

func LockWaiters(l *Lock) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.q.Len()
}

func SemaphoreWaiters(s *Semaphore) int {
	s.s.mu.Lock()
	defer s.s.mu.Unlock()
	return s.s.q.Len()
}

func BoundedSemaphoreWaiters(s *BoundedSemaphore) int {
	s.s.mu.Lock()
	defer s.s.mu.Unlock()
	return s.s.q.Len()
}

func ConditionWaiters(c *Condition) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.q.Len()
}

func EventWaiters(e *Event) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.q.Len()
}

// LockFirstWaiter returns an opaque handle for the first waiter queued on l,
// so that a test can see a waiter leave and join the queue again.
func LockFirstWaiter(l *Lock) any {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.q.Front()
}

// ConditionLock returns the lock underneath c.
func ConditionLock(c *Condition) *Lock { return c.l() }
