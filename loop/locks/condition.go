package locks

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/goasyncio/asyncio/future"

	"github.com/goasyncio/asyncio/loop/internal/waiters"
)

// Condition lets coroutines wait, holding a Lock, until another coroutine
// notifies them that something changed (asyncio.Condition): what sync.Cond
// is to goroutines. Wait releases the lock, waits for Notify or NotifyAll,
// and takes the lock again before it returns. Waiters are woken in the order
// they started waiting.
//
// The zero value is a condition with a Lock of its own, as asyncio's
// Condition() makes one; NewCondition shares a lock between conditions. A
// Condition must not be copied after first use. It is safe for concurrent use. A call of
// Notify or NotifyAll synchronizes before the return of each Wait it wakes;
// like every wake-up, that return also follows the Release that let the
// waiter take the lock again.
type Condition struct {
	lock *Lock // the lock given to NewCondition, or nil for own; read-only
	own  Lock  // the lock of a zero Condition, or of NewCondition(nil)

	mu sync.Mutex             // protects q
	q  waiters.List[struct{}] // waiters, in the order they called Wait
}

// NewCondition returns a condition variable that uses lock, which several
// conditions may share. A nil lock gives the condition a new Lock of its
// own.
func NewCondition(lock *Lock) *Condition {
	return &Condition{lock: lock}
}

// l returns the condition's lock: the one it was given, or its own.
func (c *Condition) l() *Lock {
	if c.lock != nil {
		return c.lock
	}
	return &c.own
}

// Acquire acquires the underlying lock; see Lock.Acquire.
func (c *Condition) Acquire(ctx context.Context) error { return c.l().Acquire(ctx) }

// TryAcquire acquires the underlying lock if it is free and nobody waits
// for it, and reports whether it did. It never blocks or suspends.
func (c *Condition) TryAcquire() bool { return c.l().TryAcquire() }

// Release releases the underlying lock; see Lock.Release.
func (c *Condition) Release() error { return c.l().Release() }

// Locked reports whether the underlying lock is held.
func (c *Condition) Locked() bool { return c.l().Locked() }

// Wait releases the lock, waits until a Notify or NotifyAll wakes it, and
// acquires the lock again (asyncio's wait). The caller must hold the lock;
// if the lock is not locked, Wait returns ErrNotLocked at once. Like
// sync.Cond's, a wake-up says only that the state may have changed: check
// the condition again, or use WaitFor.
//
// Inside a loop task, with the task's context or one derived from it, the
// task is suspended while it waits. Anywhere else the goroutine blocks
// until it is notified or ctx ends.
//
// On failure, Wait returns context.Cause(ctx), or an error matching
// future.ErrCancelled if the task was cancelled. Even then it re-acquires
// the lock before returning, as asyncio does, so the caller's deferred
// Release stays right: that wait ignores ctx and further cancellations (it
// returns the first error). The exceptions are waits that cannot succeed:
// a loop that is closing, where no task can wait any more, and a ctx of
// another task used from a task body that is not that task's (see
// future.Await; a plain goroutine blocks like plain Go code instead). Then
// Wait returns without the lock, with an error matching future.ErrClosed or
// future.ErrWrongGoroutine (and the wait's own error, if it had one). A nil
// ctx returns an error matching future.ErrNil, with the lock still held. A
// notification that arrived just as the wait failed is passed on to the
// next waiter, so none is lost.
func (c *Condition) Wait(ctx context.Context) error {
	if ctx == nil {
		// Refused before the lock is released: reacquire could not run.
		return fmt.Errorf("%w: Condition.Wait: nil context", future.ErrNil)
	}
	if !c.l().Locked() {
		return ErrNotLocked
	}
	c.mu.Lock()
	w := c.q.Add()
	c.mu.Unlock()
	if err := c.l().Release(); err != nil {
		// Released by someone else since the check. A Notify may have
		// picked w meanwhile: pass that notification on.
		if w.Leave(&c.mu, &c.q) {
			c.notify(1)
		}
		return err
	}

	err := w.Wait(ctx)
	notified := err == nil
	if err != nil {
		notified = w.Leave(&c.mu, &c.q)
	}
	switch rerr := c.reacquire(ctx); {
	case err == nil:
		err = rerr
	case withoutLock(rerr):
		// Returning without the lock: say so, beside the wait's error.
		err = errors.Join(err, rerr)
	}
	if err != nil && notified {
		// We were notified but report a failure: wake someone else in our
		// place, so that the notification is not lost.
		c.notify(1)
	}
	return err
}

// reacquire takes the lock back for Wait, whatever happens to ctx: it
// waits with a context that is never cancelled (but still finds the task to
// suspend), retries after a task cancellation, and returns the first
// error, with the lock held. It gives up without the lock, returning an
// error matching future.ErrClosed or future.ErrWrongGoroutine, when no wait
// can succeed: the loop is closing, or ctx belongs to a task that this
// goroutine is not running (a retry would fail the same way at once, and
// spin until the lock came free).
func (c *Condition) reacquire(ctx context.Context) error {
	ctx = context.WithoutCancel(ctx)
	var first error
	for {
		err := c.l().Acquire(ctx)
		if err == nil {
			return first
		}
		if first == nil {
			first = err
		}
		if withoutLock(err) {
			return err
		}
	}
}

// withoutLock reports whether reacquire gave up with err, leaving the lock.
func withoutLock(err error) bool {
	return errors.Is(err, future.ErrClosed) || errors.Is(err, future.ErrWrongGoroutine)
}

// WaitFor waits until predicate returns true (asyncio's wait_for): it calls
// predicate, holding the lock, and Waits while it returns false. The caller
// must hold the lock, and holds it again when WaitFor returns, as with
// Wait. It returns nil once predicate is true, and otherwise the error of
// the Wait that failed.
func (c *Condition) WaitFor(ctx context.Context, predicate func() bool) error {
	for !predicate() {
		if err := c.Wait(ctx); err != nil {
			return err
		}
	}
	return nil
}

// WaitForValue is WaitFor for a predicate with a value, which it returns
// once predicate reports ok, as asyncio's wait_for returns the predicate's
// result (a method cannot have a type parameter, hence a function). It
// calls predicate holding the lock, and Waits while ok is false; the
// caller must hold the lock, and holds it again when WaitForValue returns.
// On a failed Wait it returns T's zero value and the error.
func WaitForValue[T any](ctx context.Context, c *Condition, predicate func() (v T, ok bool)) (T, error) {
	for {
		if v, ok := predicate(); ok {
			return v, nil
		}
		if err := c.Wait(ctx); err != nil {
			var zero T
			return zero, err
		}
	}
}

// Notify wakes up to n of the coroutines and goroutines waiting in Wait, the
// longest-waiting first (asyncio's notify). The caller must hold the lock;
// otherwise Notify returns ErrNotLocked and wakes nobody. A woken waiter
// still has to take the lock back, so it runs only after the caller
// releases it. An n of zero or less wakes nobody.
func (c *Condition) Notify(n int) error {
	if !c.l().Locked() {
		return ErrNotLocked
	}
	c.notify(n)
	return nil
}

// NotifyAll wakes every coroutine and goroutine waiting in Wait (asyncio's
// notify_all). The caller must hold the lock; otherwise NotifyAll returns
// ErrNotLocked and wakes nobody.
func (c *Condition) NotifyAll() error {
	if !c.l().Locked() {
		return ErrNotLocked
	}
	c.mu.Lock()
	ws := c.q.PopAll()
	c.mu.Unlock()
	for _, w := range ws {
		w.Grant()
	}
	return nil
}

// notify wakes up to n waiters, skipping any that gave up meanwhile.
func (c *Condition) notify(n int) {
	for woken := 0; woken < n; {
		c.mu.Lock()
		w := c.q.PopFront()
		c.mu.Unlock()
		if w == nil {
			return
		}
		if w.Grant() {
			woken++
		}
	}
}
