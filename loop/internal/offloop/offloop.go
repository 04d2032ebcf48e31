// Package offloop runs a blocking call (a dial, an accept's listen, a DNS
// lookup) on a goroutine of its own and waits for its result with a
// context: a task that waits suspends, so neither the single-thread loop's
// thread nor a pool worker is held, and a plain goroutine blocks. The
// executor (ToThread) is not used for this: its few workers are for CPU
// and file work, and a slow peer would hold them all.
package offloop

import (
	"context"
	"time"

	"github.com/goasyncio/asyncio/future"
)

// Run calls fn on a new goroutine and waits for it with ctx. fn's context
// carries ctx's values and deadline and is cancelled when the wait ends
// early (ctx done, the task cancelled); a value fn returns after that,
// with a nil error, is handed to discard (nil: dropped), so that a
// connection nobody waits for is closed.
func Run[T any](ctx context.Context, fn func(context.Context) (T, error), discard func(T)) (T, error) {
	p := future.NewPromise[T]()
	jctx, cancel := context.WithCancel(ctx)
	go func() {
		defer cancel()
		v, err := fn(jctx)
		if err != nil && ending(jctx) {
			// fn failed because the wait is ending (ctx done or past its
			// deadline, the task cancelled): its error ("operation was
			// canceled", "i/o timeout") must not win the race with the
			// waiter's own verdict, which says why (the deadline, a
			// timeout scope, the task's cancel), so p is left to it.
			return
		}
		if p.Complete(v, err) != nil && err == nil && discard != nil {
			discard(v) // nobody waits for it any more
		}
	}()
	v, err := future.Await(ctx, p.Future())
	if err == nil {
		return v, nil
	}
	cancel()
	if p.Cancel(err) == nil {
		var zero T
		return zero, err
	}
	// Completed at the same moment, or cancelled by the task's own
	// cancellation already: whatever the future holds is the answer.
	return future.Await(context.Background(), p.Future())
}

// ending reports whether ctx is done or its deadline has passed (a
// dialer's own deadline can fire before ctx's timer closes Done).
func ending(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	d, ok := ctx.Deadline()
	return ok && !time.Now().Before(d)
}
