package loop

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
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
		tctx, cancel := timeoutIn(ctx, "WaitFor", d)
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
	return timeoutIn(ctx, "Timeout", d)
}

// timeoutIn is Timeout for op, the name its error gives.
func timeoutIn(ctx context.Context, op string, d time.Duration) (context.Context, context.CancelFunc) {
	return scope(ctx, &timeoutError{op: op, limit: d}, func(l *Loop) int64 {
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

// scope makes the context of Timeout, TimeoutAt and WaitFor, due at
// deadline(l).
func scope(ctx context.Context, cause *timeoutError, deadline func(*Loop) int64) (context.Context, context.CancelFunc) {
	c, ts := newScope(ctx, cause, deadline)
	return c, ts.Cancel
}

// newScope makes a timeout scope with ctx as its parent, due at
// deadline(l), or never for a nil deadline.
func newScope(ctx context.Context, cause *timeoutError, deadline func(*Loop) int64) (context.Context, *TimeoutScope) {
	cause.scope = true
	ts := &TimeoutScope{cause: cause}
	if ctx == nil {
		c, cancel := context.WithCancelCause(context.Background())
		cancel(fmt.Errorf("%w: %s: nil context", future.ErrNil, cause.op))
		ts.cancel = cancel
		return c, ts
	}
	t := task.Of(ctx)
	if t == nil {
		c, cancel := context.WithCancelCause(ctx)
		cancel(fmt.Errorf("loop: %s: %w", cause.op, ErrNoRunningLoop))
		ts.cancel = cancel
		return c, ts
	}
	ts.l, ts.t = loopOf(t), t
	c, cancel := context.WithCancelCause(ctx)
	ts.cancel = cancel
	ts.sc = &scopeCtx{Context: c, cause: cause, ts: ts}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if deadline == nil {
		ts.at = noLimit
	} else {
		ts.arm(deadline(ts.l))
	}
	return ts.sc, ts
}

// noLimit is the deadline of a scope without one.
const noLimit = math.MaxInt64

// TimeoutScope is a time limit its owner can read and move: asyncio's
// Timeout, the object "async with asyncio.timeout(d) as cm" binds. Make
// one with NewTimeout; Timeout and TimeoutAt make one and hand back only
// its Cancel. Its methods are safe from any goroutine.
type TimeoutScope struct {
	l      *Loop
	t      *task.Task // the task that made it, woken at expiry
	cause  *timeoutError
	cancel context.CancelCauseFunc
	sc     *scopeCtx // nil outside a loop

	mu      sync.Mutex  // protects the fields below
	at      int64       // the deadline on the loop's clock, or noLimit
	h       TimerHandle // the timer of at
	expired bool
	ended   bool // Cancel was called
}

// NewTimeout returns a copy of ctx under a time limit that has none yet,
// and the scope that holds it: asyncio.timeout(None). Give it one with
// Reschedule; call Cancel when the scope ends. As for Timeout, ctx must be
// a coroutine's context or one derived from it.
func NewTimeout(ctx context.Context) (context.Context, *TimeoutScope) {
	return newScope(ctx, &timeoutError{op: "Timeout"}, nil)
}

// When returns the deadline on the loop's clock (asyncio's when()), and
// false if the scope has no limit.
func (s *TimeoutScope) When() (time.Time, bool) {
	if s.l == nil {
		return time.Time{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.at == noLimit {
		return time.Time{}, false
	}
	return s.l.drv.Time(s.at), true
}

// Reschedule moves the deadline to when, a reading of the loop's clock, or
// removes it for a zero when (asyncio's reschedule(None)). A when not in
// the future expires the scope at once. It does nothing once the scope has
// expired or been cancelled, as asyncio's refuses then.
func (s *TimeoutScope) Reschedule(when time.Time) {
	if s.l == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.expired || s.ended {
		return
	}
	s.h.Cancel()
	s.h = TimerHandle{}
	if when.IsZero() {
		s.at = noLimit
		return
	}
	s.arm(s.l.drv.At(when))
}

// Expired reports whether the limit has run out (asyncio's expired()).
func (s *TimeoutScope) Expired() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.expired
}

// Cancel ends the scope: it stops the timer and cancels the scope's
// context with context.Canceled. It is idempotent.
func (s *TimeoutScope) Cancel() {
	s.mu.Lock()
	s.ended = true
	s.h.Cancel()
	s.mu.Unlock()
	s.cancel(context.Canceled)
}

// arm sets the deadline to at and starts its timer. The caller holds s.mu.
func (s *TimeoutScope) arm(at int64) {
	s.at = at
	if at <= s.l.drv.Now() {
		// Already past (a d of zero or less): expired from the start, so
		// that even a Sleep(ctx, 0) under it fails, as under asyncio's
		// timeout(0), whose expiry is a call_soon ahead of the task.
		s.expired = true
		s.cancel(s.cause)
		return
	}
	h, err := s.l.callAt(s.cause.op, at, s.expire)
	if err != nil {
		s.cancel(fmt.Errorf("loop: %s: %w", s.cause.op, err))
		return
	}
	s.h = h
}

// expire is the timer's callback.
func (s *TimeoutScope) expire() {
	s.mu.Lock()
	if s.ended || s.expired {
		s.mu.Unlock()
		return
	}
	s.expired = true
	s.mu.Unlock()
	s.cancel(s.cause)
	// Wake the task that set the limit now, on the loop, rather than only
	// from the goroutine context.AfterFunc starts for a park under the
	// scope: under virtual time the clock must not jump again before the
	// task has seen its limit. A task not waiting under it takes this as a
	// spurious wake and parks again.
	s.t.Wake()
}

// scopeCtx is the context of a TimeoutScope: a cancelCtx whose Err says
// DeadlineExceeded once a scope's limit ran out, and which reports its
// limit as its Deadline on a real clock.
type scopeCtx struct {
	context.Context // from context.WithCancelCause: Done, Value and Cause
	cause           *timeoutError
	ts              *TimeoutScope
}

// Deadline returns the earlier of the parent's deadline and the limit; a
// virtual clock's limit means nothing outside the loop and is left out.
func (c *scopeCtx) Deadline() (time.Time, bool) {
	d, ok := c.Context.Deadline()
	if c.ts.l.drv.Virtual {
		return d, ok
	}
	limit, has := c.ts.When()
	if !has || (ok && d.Before(limit)) {
		return d, ok
	}
	return limit, true
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
