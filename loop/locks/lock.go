package locks

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/goasyncio/asyncio/loop/internal/waiters"
)

// Lock states. A lock with waiters is always locked: Release hands it to
// the first waiter instead of unlocking it, which is what makes it fair.
const (
	unlocked  int32 = iota
	locked          // locked, no waiters: Release may unlock without mu
	contended       // locked, with waiters queued: Release must take mu
)

// Lock is a mutual exclusion lock for coroutines (asyncio.Lock). Acquire
// suspends a waiting coroutine instead of blocking its thread, so tasks on
// a single-thread loop can wait for each other; from plain goroutines it
// blocks, honouring its context. Waiters get the lock in the order they
// asked for it: Release hands it straight to the first waiter, so a newcomer
// never overtakes the queue.
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
	state atomic.Int32 // unlocked, locked or contended; moves to and from contended only under mu

	mu sync.Mutex             // protects q
	q  waiters.List[struct{}] // waiters, FIFO; non-empty exactly when state is contended
}

// Acquire waits until it holds the lock (asyncio's acquire). If the lock is
// free and nobody waits, it takes it at once, even if ctx is already done.
//
// Inside a loop task, with the task's context or one derived from it, the
// task is suspended while it waits. Anywhere else the goroutine blocks
// until it gets the lock or ctx ends.
//
// On failure, it returns context.Cause(ctx), or an error matching
// future.ErrCancelled if the task was cancelled, and leaves the lock as if
// it had never asked: if the lock was handed to it just as it gave up, it
// passes the lock on to the next waiter (or unlocks it).
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
	if err == nil {
		return nil // handed over by Release: we hold the lock
	}
	if w.Withdraw() {
		// Release handed us the lock as we gave up: pass it on, or the
		// lock would stay locked with nobody to release it.
		_ = l.Release()
	} else {
		l.dequeue(w)
	}
	return err
}

// enqueue takes the lock if it is free and returns nil, or queues and
// returns a new waiter.
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
			if !l.state.CompareAndSwap(locked, contended) {
				continue
			}
			fallthrough
		case contended:
			w := l.q.Add()
			return w
		}
	}
}

// dequeue takes a waiter that gave up off the queue, if it is still there.
func (l *Lock) dequeue(w *waiters.Waiter[struct{}]) {
	l.mu.Lock()
	if l.q.Remove(w) && l.q.Len() == 0 {
		l.state.Store(locked)
	}
	l.mu.Unlock()
}

// TryAcquire takes the lock if it is free and nobody waits for it, and
// reports whether it did. It never blocks or suspends.
func (l *Lock) TryAcquire() bool {
	return l.state.CompareAndSwap(unlocked, locked)
}

// Release unlocks the lock, or hands it to the first waiter if there is one
// (asyncio's release). Any coroutine or goroutine may call it. If the lock
// is not locked it returns ErrNotLocked and changes nothing.
func (l *Lock) Release() error {
	if l.state.CompareAndSwap(locked, unlocked) {
		return nil
	}
	return l.releaseSlow()
}

func (l *Lock) releaseSlow() error {
	for first := true; ; first = false {
		var w *waiters.Waiter[struct{}]
		l.mu.Lock()
		switch l.state.Load() {
		case unlocked:
			l.mu.Unlock()
			if first {
				return ErrNotLocked
			}
			return nil // someone else released it while we handed it round
		case locked:
			l.state.Store(unlocked)
		case contended:
			w = l.q.PopFront()
			if l.q.Len() == 0 {
				l.state.Store(locked)
			}
		}
		l.mu.Unlock()
		// Grant outside mu: it wakes the waiter's task. If the waiter has
		// just given up, the lock is still ours to hand on: go round again.
		if w == nil || w.Grant() {
			return nil
		}
	}
}

// Locked reports whether the lock is held (asyncio's locked()).
func (l *Lock) Locked() bool { return l.state.Load() != unlocked }
