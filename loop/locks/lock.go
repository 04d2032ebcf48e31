package locks

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/goasyncio/asyncio/loop/internal/waiters"
)

// Lock states. The fast paths move between unlocked and locked with a
// compare-and-swap while nobody waits; once someone does, the state is
// queued, and held, under mu, says whether the lock is taken.
const (
	unlocked int32 = iota
	locked         // locked, no waiters: Release may unlock without mu
	queued         // waiters listed: held says whether it is locked; under mu
)

// Lock is a mutual exclusion lock for coroutines (asyncio.Lock). Acquire
// suspends a waiting coroutine instead of blocking its thread, so tasks on
// a single-thread loop can wait for each other; from plain goroutines it
// blocks, honouring its context.
//
// Waiters are served in the order they asked, by asyncio's rule: Release
// unlocks the lock and wakes the first waiter, which takes the lock when it
// runs. Until then a newcomer queues behind it (even the task that just
// released), so nobody overtakes the queue; and a woken waiter that is
// cancelled before it runs passes the wakeup on, so that the lock is never
// left held by a task that never ran.
//
// As in asyncio, a Lock has no owner: any coroutine or goroutine may
// release it, not only the one that acquired it. Releasing a lock that is
// not locked is an error (ErrNotLocked) and changes nothing.
//
// The zero value is an unlocked lock. A Lock must not be copied after first
// use. It is safe for concurrent use, including by tasks of a pool loop
// running in parallel. A call of Release synchronizes before the return of
// the Acquire (or TryAcquire) that next takes the lock.
//
// An uncontended Acquire and Release is a compare-and-swap each, as with
// sync.Mutex: about 15ns for the pair, against about 13ns for sync.Mutex's
// Lock and Unlock, with no allocation (BenchmarkUncontended, go test -bench
// Uncontended ./loop/locks/). A wait allocates a waiter and its future.
type Lock struct {
	state atomic.Int32 // unlocked, locked or queued; to and from queued only under mu

	mu   sync.Mutex             // protects q and held
	q    waiters.List[struct{}] // waiters, FIFO; a woken one stays until it runs
	held atomic.Bool            // while queued: the lock is taken (atomic for Locked)
}

// Acquire waits until it holds the lock (asyncio's acquire). If the lock is
// free and nobody waits, it takes it at once, even if ctx is already done.
//
// Inside a loop task, with the task's context or one derived from it, the
// task is suspended while it waits. Anywhere else the goroutine blocks
// until it gets the lock or ctx ends.
//
// On failure, it returns ctx's error (future.ContextErr), or an error
// matching future.ErrCancelled if the task was cancelled, and leaves the
// lock as if it had never asked: if it had been woken, it wakes the next
// waiter in its place.
func (l *Lock) Acquire(ctx context.Context) error {
	if l.state.CompareAndSwap(unlocked, locked) {
		return nil
	}
	return l.acquireSlow(ctx)
}

func (l *Lock) acquireSlow(ctx context.Context) error {
	w := l.enqueue()
	if w == nil {
		return nil
	}
	err := w.Wait(ctx)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err == nil {
		// Woken by Release (or a waiter passing a wakeup on): take it.
		l.q.Remove(w)
		l.held.Store(true)
		l.settleLocked()
		return nil
	}
	w.Withdraw() // no wakeup can arrive now
	l.q.Remove(w)
	if !l.held.Load() {
		// Woken as we gave up, or the lock came free meanwhile: wake the
		// next in our place (asyncio's acquire does the same).
		l.q.WakeFirst()
	}
	l.settleLocked()
	return err
}

// enqueue takes the lock if it is free and nobody waits for it (or every
// waiter has given up), and returns nil, or queues and returns a new
// waiter.
func (l *Lock) enqueue() *waiters.Waiter[struct{}] {
	l.mu.Lock()
	defer l.mu.Unlock()
	for {
		switch l.state.Load() {
		case unlocked:
			if l.state.CompareAndSwap(unlocked, locked) {
				return nil
			}
		case locked:
			// The holder may unlock without mu meanwhile; the
			// compare-and-swap notices, and we look again.
			if !l.state.CompareAndSwap(locked, queued) {
				continue
			}
			l.held.Store(true)
			return l.q.Add()
		case queued:
			if l.takeFreeLocked() {
				return nil
			}
			return l.q.Add()
		}
	}
}

// settleLocked leaves the queued state once the list holds nobody who
// may still wake, dropping those who gave up. The caller holds mu.
func (l *Lock) settleLocked() {
	if l.state.Load() != queued || !l.q.AllGaveUp() {
		return
	}
	l.q.DropGivenUp()
	if l.q.Len() != 0 {
		return
	}
	if l.held.Load() {
		l.state.Store(locked)
	} else {
		l.state.Store(unlocked)
	}
	l.held.Store(false)
}

// TryAcquire takes the lock if it is free and nobody waits for it, and
// reports whether it did. It never blocks or suspends.
func (l *Lock) TryAcquire() bool {
	if l.state.CompareAndSwap(unlocked, locked) {
		return true
	}
	if l.state.Load() != queued {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.state.Load() == queued && l.takeFreeLocked()
}

// takeFreeLocked takes a queued lock that is free and whose every waiter
// has given up (asyncio's acquire: not locked and all waiters cancelled),
// and reports whether it did. The caller holds mu; the state is queued.
func (l *Lock) takeFreeLocked() bool {
	if l.held.Load() || !l.q.AllGaveUp() {
		return false
	}
	l.held.Store(true)
	l.settleLocked()
	return true
}

// Release unlocks the lock and wakes the first waiter, if there is one,
// which takes the lock when it runs (asyncio's release). Any coroutine or
// goroutine may call it. If the lock is not locked it returns ErrNotLocked
// and changes nothing.
func (l *Lock) Release() error {
	if l.state.CompareAndSwap(locked, unlocked) {
		return nil
	}
	return l.releaseSlow()
}

func (l *Lock) releaseSlow() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch l.state.Load() {
	case unlocked:
		return ErrNotLocked
	case locked:
		l.state.Store(unlocked)
		return nil
	}
	if !l.held.Load() {
		return ErrNotLocked
	}
	l.held.Store(false)
	// Grant under mu: it only wakes the waiter's task.
	l.q.WakeFirst()
	l.settleLocked()
	return nil
}

// Locked reports whether the lock is held (asyncio's locked()).
func (l *Lock) Locked() bool {
	switch l.state.Load() {
	case unlocked:
		return false
	case locked:
		return true
	}
	return l.held.Load()
}
