package locks

import (
	"context"
	"fmt"
	"sync"

	"github.com/goasyncio/asyncio/loop/internal/waiters"
)

// Semaphore is a counter of permits for coroutines (asyncio.Semaphore):
// Acquire takes a permit, waiting while there is none, and Release gives one
// back. Acquire suspends a waiting coroutine instead of blocking its thread;
// from plain goroutines it blocks, honouring its context. Waiters are served
// in the order they asked: Release hands its permit straight to the first
// waiter, so a newcomer never overtakes the queue.
//
// Make one with NewSemaphore; the zero value is a semaphore with no permits,
// on which Acquire waits until a Release. A Semaphore must not be copied
// after first use. It is safe for concurrent use. A call of Release
// synchronizes before the return of the Acquire (or TryAcquire) that takes
// the permit it gave back.
//
// Unlike golang.org/x/sync/semaphore, permits are taken one at a time (as
// in asyncio) and a waiting Acquire on a single-thread loop suspends its
// task, where the x/sync one would block the loop's only thread.
type Semaphore struct{ s sem }

// NewSemaphore returns a semaphore with n permits. A negative n is a
// programming error: NewSemaphore panics with a message starting "locks: ".
func NewSemaphore(n int) *Semaphore {
	if n < 0 {
		panic(fmt.Sprintf("locks: NewSemaphore: negative number of permits %d", n))
	}
	return &Semaphore{s: sem{value: n}}
}

// Acquire takes a permit, waiting until one is free (asyncio's acquire). If
// a permit is free and nobody waits, it takes it at once, even if ctx is
// already done.
//
// Inside a loop task, with the task's context or one derived from it, the
// task is suspended while it waits. Anywhere else the goroutine blocks
// until it gets a permit or ctx ends.
//
// On failure, it returns context.Cause(ctx), or an error matching
// future.ErrCancelled if the task was cancelled, and leaves the semaphore
// unchanged: a permit handed to it just as it gave up goes on to the next
// waiter, or back to the count.
func (s *Semaphore) Acquire(ctx context.Context) error { return s.s.acquire(ctx) }

// TryAcquire takes a permit if one is free and nobody waits, and reports
// whether it did. It never blocks or suspends.
func (s *Semaphore) TryAcquire() bool { return s.s.tryAcquire() }

// Release gives a permit back: to the first waiter if there is one, and to
// the count otherwise. It never blocks. As in asyncio, nothing checks that
// the caller held a permit; BoundedSemaphore does.
func (s *Semaphore) Release() { _ = s.s.release(false) }

// Locked reports whether Acquire would have to wait: no permit is free
// (asyncio's locked()).
func (s *Semaphore) Locked() bool { return s.s.locked() }

// BoundedSemaphore is a Semaphore that refuses to be released more times
// than it was acquired (asyncio.BoundedSemaphore): a Release while none of
// its permits is held returns ErrOverRelease and changes nothing. A permit
// that a Release has handed to a waiting task that has not resumed yet
// does not count as held: the task may have been cancelled meanwhile, and
// then it gives the permit back. So free permits never exceed the bound.
//
// Make one with NewBoundedSemaphore; the zero value is a bounded semaphore
// with no permits, which can never be acquired. It must not be copied after
// first use and is safe for concurrent use. A call of Release synchronizes
// before the return of the Acquire (or TryAcquire) that takes the permit it
// gave back.
type BoundedSemaphore struct{ s sem }

// NewBoundedSemaphore returns a bounded semaphore with n permits, which is
// also the most it can ever hold. A negative n is a programming error:
// NewBoundedSemaphore panics with a message starting "locks: ".
func NewBoundedSemaphore(n int) *BoundedSemaphore {
	if n < 0 {
		panic(fmt.Sprintf("locks: NewBoundedSemaphore: negative number of permits %d", n))
	}
	return &BoundedSemaphore{s: sem{value: n, bound: n}}
}

// Acquire takes a permit, waiting until one is free; see
// Semaphore.Acquire, which it matches.
func (s *BoundedSemaphore) Acquire(ctx context.Context) error { return s.s.acquire(ctx) }

// TryAcquire takes a permit if one is free and nobody waits, and reports
// whether it did. It never blocks or suspends.
func (s *BoundedSemaphore) TryAcquire() bool { return s.s.tryAcquire() }

// Release gives a permit back, to the first waiter if there is one. It
// returns ErrOverRelease, and changes nothing, if all the permits the
// semaphore was made with are already free.
func (s *BoundedSemaphore) Release() error { return s.s.release(true) }

// Locked reports whether Acquire would have to wait: no permit is free.
func (s *BoundedSemaphore) Locked() bool { return s.s.locked() }

// sem is the machinery of Semaphore and BoundedSemaphore.
type sem struct {
	mu    sync.Mutex // protects value, handed and q
	value int        // free permits; zero whenever q is not empty
	// handed counts permits granted to waiters that have not resumed
	// yet. They are not free, but not surely held either: a waiter
	// cancelled meanwhile passes its permit on when it resumes.
	handed int
	q      waiters.List[struct{}] // waiters, FIFO
	bound  int                    // a BoundedSemaphore's initial permits; read-only
}

func (s *sem) acquire(ctx context.Context) error {
	s.mu.Lock()
	if s.value > 0 {
		// value > 0 implies nobody waits: Release hands permits to
		// waiters before it adds to value.
		s.value--
		s.mu.Unlock()
		return nil
	}
	w := s.q.Add()
	s.mu.Unlock()

	err := w.Wait(ctx)
	if err == nil {
		s.mu.Lock()
		s.handed-- // Release handed us its permit
		s.mu.Unlock()
		return nil
	}
	if w.Leave(&s.mu, &s.q) {
		// A permit arrived as we gave up: pass it on, unchecked, since it
		// was never returned to the count.
		s.mu.Lock()
		s.handed--
		s.passLocked()
	}
	return err
}

func (s *sem) tryAcquire() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.value > 0 {
		s.value--
		return true
	}
	return false
}

// release gives a permit back. With bounded set, it first checks that some
// permit is held: not free, nor on its way to a waiter, which may have been
// cancelled and give it back. The check and the hand-over are one critical
// section, so two racing releases cannot both pass it.
func (s *sem) release(bounded bool) error {
	s.mu.Lock()
	if bounded && s.value+s.handed >= s.bound {
		s.mu.Unlock()
		return ErrOverRelease
	}
	s.passLocked()
	return nil
}

// passLocked hands one permit to the first waiter that takes it, or adds it
// to the count if nobody does. It is called with mu held and returns with
// mu released.
func (s *sem) passLocked() {
	for {
		w := s.q.PopFront()
		if w == nil {
			s.value++
			s.mu.Unlock()
			return
		}
		s.handed++
		s.mu.Unlock()
		// Grant outside mu: it wakes the waiter's task. A waiter that has
		// just given up refuses it: try the next.
		if w.Grant() {
			return
		}
		s.mu.Lock()
		s.handed--
	}
}

func (s *sem) locked() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.value == 0
}
