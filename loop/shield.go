package loop

import (
	"context"
	"errors"
	"fmt"

	"github.com/goasyncio/asyncio/future"
)

// Shield returns a future that completes as a does but whose cancellation
// does not reach a (asyncio.shield). Cancelling the returned future, or the
// task awaiting it, completes the returned future as cancelled at once and
// leaves the work behind it running. A Coroutine becomes a task on the loop
// running the caller, so that it goes on by itself; a Future is watched as
// it is.
//
// The shielded task's context keeps ctx's values but not its cancellation:
// the task that called Shield ending or being cancelled does not end it.
// Close still cancels it, as every task. If the returned future was
// cancelled and the task Shield made then fails, nobody is left to read the
// error, so it goes to the loop's exception handler instead of being lost.
//
// A nil a or ctx gives a future failed with an error matching
// future.ErrNil, and a Coroutine outside a running loop one failed with an
// error matching ErrNoRunningLoop.
func Shield[T any](ctx context.Context, a future.Awaitable[T]) *future.Future[T] {
	if ctx == nil {
		return failed[T](nil, fmt.Errorf("%w: Shield: nil context", future.ErrNil))
	}
	l, _ := GetRunningLoop(ctx)
	if err := check("Shield", -1, l, a); err != nil {
		return failed[T](nil, err)
	}
	inner, own := start(context.WithoutCancel(ctx), l, a)
	var owner future.Executor
	if l != nil {
		owner = l
	}
	outer := future.NewPromiseOn[T](owner)
	pass := func() {
		if err := outer.Complete(inner.Result()); errors.Is(err, future.ErrAlreadyDone) && own {
			// The outer future was cancelled first: report a failure that
			// would otherwise go unseen.
			if ierr := inner.Err(); ierr != nil && !errors.Is(ierr, future.ErrCancelled) {
				l.report(fmt.Errorf("loop: Shield: the shielded task failed after its waiter was cancelled: %w", ierr))
			}
		}
	}
	if inner.IsDone() || !inner.OnDone(pass) {
		pass()
	}
	return outer.Future()
}

// failed returns a future, belonging to e (which may be nil), that has
// failed with err.
func failed[T any](e future.Executor, err error) *future.Future[T] {
	p := future.NewPromiseOn[T](e)
	_ = p.Reject(err)
	return p.Future()
}
