package loop

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop/internal/driver"
	"github.com/goasyncio/asyncio/loop/internal/task"
)

// ErrTimeout reports that a time limit set by WaitFor or Timeout ran out.
// The errors those return match both ErrTimeout and
// context.DeadlineExceeded, as Python's TimeoutError covers both
// asyncio.TimeoutError and the built-in since 3.11; they do not match
// future.ErrCancelled.
var ErrTimeout = errors.New("loop: timed out")

// timeoutError is the error of one time limit. Each limit makes its own, so
// that the code that set it can tell its own timeout from another's by
// identity.
type timeoutError struct {
	op    string
	limit time.Duration // the duration asked for; 0 for TimeoutAt
	scope bool          // the limit of a scope's context, not a cancellation's cause
}

func (e *timeoutError) Error() string {
	if e.limit == 0 {
		return "loop: " + e.op + ": deadline passed"
	}
	return fmt.Sprintf("loop: %s: timed out after %v", e.op, e.limit)
}

// Is makes the error match ErrTimeout and context.DeadlineExceeded.
func (e *timeoutError) Is(target error) bool {
	return target == ErrTimeout || target == context.DeadlineExceeded
}

// Timeout reports true, as context.DeadlineExceeded's does, for code that
// looks for a net.Error-style Timeout method.
func (e *timeoutError) Timeout() bool { return true }

// WaitFor waits for a, for at most d on the loop's clock, and returns its
// value and error (asyncio.wait_for, as of Python 3.12).
//
// A Coroutine runs in the calling task, under a Timeout scope: its context
// runs out after d, and what it returns is WaitFor's result (an error
// matching ErrTimeout and context.DeadlineExceeded if it gave up at the
// limit). A d of zero or less returns that error without starting it,
// as asyncio's wait_for does with a timeout of zero.
//
// A Future is waited for as it is. When d runs out, WaitFor cancels it,
// waits until it has actually finished, as asyncio does, and returns an
// error matching ErrTimeout and context.DeadlineExceeded; if the future
// declines the cancellation and completes with a value, or completes on
// its own in the same instant, WaitFor returns that outcome instead. A d
// of zero or less cancels a pending future at once.
//
// If the calling task is cancelled, or ctx ends, while WaitFor waits,
// WaitFor cancels a future with the same cause, waits for it to finish
// and returns the cancellation (or ctx's error), even if the future then
// completes with a value: a cancellation of the caller is never lost
// (asyncio's test_waitfor.test_cancel_wait_for and gh-86296).
//
// WaitFor must be called from a coroutine: ctx is the coroutine's
// context, or one derived from it; otherwise it returns an error matching
// ErrNoRunningLoop. A nil a or ctx returns an error matching future.ErrNil.
func WaitFor[T any](ctx context.Context, a future.Awaitable[T], d time.Duration) (T, error) {
	var zero T
	if ctx == nil {
		return zero, fmt.Errorf("%w: WaitFor: nil context", future.ErrNil)
	}
	l, err := GetRunningLoop(ctx)
	if err := check("WaitFor", -1, l, a); err != nil {
		return zero, err
	}
	if err != nil {
		return zero, fmt.Errorf("loop: WaitFor: %w", err)
	}
	inner, c := coroutineOf(a)
	if c != nil {
		if d <= 0 {
			return zero, &timeoutError{op: "WaitFor", limit: d}
		}
		tctx, cancel := scope(ctx, &timeoutError{op: "WaitFor", limit: d}, func(l *Loop) int64 {
			return driver.AddDeadline(l.drv.Now(), d)
		})
		defer cancel()
		return c(tctx)
	}
	if inner.IsDone() {
		return inner.Result()
	}
	t := task.Of(ctx)
	before := t.Cancelling()
	cause := &timeoutError{op: "WaitFor", limit: d}
	var fired atomic.Bool // the timer cancelled inner
	h, err := l.CallLater(d, func() {
		fired.Store(true)
		inner.Cancel(cause)
	})
	if err != nil {
		inner.Cancel(err)
		settle(ctx, inner)
		return zero, fmt.Errorf("loop: WaitFor: %w", err)
	}
	defer h.Cancel()
	v, err := future.Await(ctx, inner)
	if !inner.IsDone() {
		// ctx ended: Await let go of inner without cancelling it. (A
		// cancelled task cancels what it waits on itself, so inner would be
		// finishing already.)
		inner.Cancel(err)
		settle(ctx, inner)
		return zero, err
	}
	if t.Cancelling() > before {
		// The caller was cancelled meanwhile: that wins over inner's
		// outcome, a value or the timeout.
		if cerr := t.LastCancel(); cerr != nil {
			return zero, cerr
		}
	}
	if err == nil {
		return v, nil
	}
	if ierr := inner.Err(); fired.Load() && errors.Is(ierr, cause) {
		return zero, cause
	}
	return zero, err
}

// Timeout returns a copy of ctx that is cancelled once d has passed on the
// loop's clock, and a function that releases it: the scoped time limit of
// asyncio.timeout. A d of zero or less gives a context that has already run
// out: the first wait under it fails. Await, Sleep and the waiting functions of this package
// (Wait, AsCompleted, WaitFor, TaskGroup.Wait, WithTaskGroup), called with
// the returned context, then fail with an error matching ErrTimeout and
// context.DeadlineExceeded; that error is also the context's
// context.Cause, and its Err is context.DeadlineExceeded. Work awaited
// under another context (the task's own) is not affected.
//
//	ctx, cancel := loop.Timeout(ctx, time.Second)
//	defer cancel()
//	v, err := future.Await(ctx, slow)
//
// ctx must be a coroutine's context, or one derived from it, since the
// limit is a timer on that coroutine's loop; that is what lets a loop made
// WithVirtualTime jump over it. The context reports the limit as its
// Deadline only on a loop with the real clock, as a virtual reading means
// nothing to code outside the loop. Cancelling ctx cancels the copy, as
// with context.WithTimeout.
//
// The returned cancel function stops the timer and cancels the copy with
// context.Canceled; call it when the scope ends, as with
// context.WithTimeout. It is idempotent and safe to call from any
// goroutine, also after the limit has run out.
//
// Outside a coroutine, the returned context is already cancelled with a
// cause matching ErrNoRunningLoop (future.ErrNil for a nil ctx), so that
// work under it fails instead of running without a limit.
func Timeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return scope(ctx, &timeoutError{op: "Timeout", limit: d}, func(l *Loop) int64 {
		return driver.AddDeadline(l.drv.Now(), d)
	})
}

// TimeoutAt is Timeout with a deadline instead of a duration: when is a
// reading of the loop's clock, such as l.Time().Add(time.Second)
// (asyncio.timeout_at). A time not in the future gives a context that has
// already run out.
func TimeoutAt(ctx context.Context, when time.Time) (context.Context, context.CancelFunc) {
	return scope(ctx, &timeoutError{op: "TimeoutAt"}, func(l *Loop) int64 {
		return l.drv.At(when)
	})
}

// scope makes the context of Timeout and TimeoutAt, due at deadline(l).
func scope(ctx context.Context, cause *timeoutError, deadline func(*Loop) int64) (context.Context, context.CancelFunc) {
	cause.scope = true
	if ctx == nil {
		c, cancel := context.WithCancelCause(context.Background())
		cancel(fmt.Errorf("%w: %s: nil context", future.ErrNil, cause.op))
		return c, func() {}
	}
	t := task.Of(ctx)
	if t == nil {
		c, cancel := context.WithCancelCause(ctx)
		cancel(fmt.Errorf("loop: %s: %w", cause.op, ErrNoRunningLoop))
		return c, func() { cancel(context.Canceled) }
	}
	l := loopOf(t)
	c, cancel := context.WithCancelCause(ctx)
	sc := &scopeCtx{Context: c, cause: cause}
	at := deadline(l)
	if !l.drv.Virtual {
		sc.deadline = l.drv.Time(at)
	}
	if at <= l.drv.Now() {
		// Already past (a d of zero or less): expired from the start, so
		// that even a Sleep(ctx, 0) under it fails, as under asyncio's
		// timeout(0), whose expiry is a call_soon ahead of the task.
		cancel(cause)
		return sc, func() { cancel(context.Canceled) }
	}
	h, err := l.callAt(cause.op, at, func() {
		cancel(cause)
		// Wake the task that set the limit now, on the loop, rather than
		// only from the goroutine context.AfterFunc starts for a park under
		// c: under virtual time the clock must not jump again before the
		// task has seen its limit. A task not waiting under c takes this as
		// a spurious wake and parks again.
		t.Wake()
	})
	if err != nil {
		cancel(fmt.Errorf("loop: %s: %w", cause.op, err))
		return sc, func() {}
	}
	return sc, func() {
		h.Cancel()
		cancel(context.Canceled)
	}
}

// scopeCtx is the context of Timeout: a cancelCtx whose Err says
// DeadlineExceeded once its own limit ran out, and which reports that
// limit as its Deadline on a real clock.
type scopeCtx struct {
	context.Context // from context.WithCancelCause: Done, Value and Cause
	cause           *timeoutError
	deadline        time.Time // zero on a virtual clock
}

// Deadline returns the earlier of the parent's deadline and the limit.
func (c *scopeCtx) Deadline() (time.Time, bool) {
	d, ok := c.Context.Deadline()
	if c.deadline.IsZero() || (ok && d.Before(c.deadline)) {
		return d, ok
	}
	return c.deadline, true
}

// Err returns context.DeadlineExceeded if a scope's limit, this one or an
// enclosing one's, cancelled the context, as a context.WithTimeout
// reports its parent's deadline.
func (c *scopeCtx) Err() error {
	err := c.Context.Err()
	var te *timeoutError
	if err != nil && errors.As(context.Cause(c.Context), &te) && te.scope {
		return context.DeadlineExceeded
	}
	return err
}
