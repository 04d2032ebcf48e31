package future

import "context"

// Awaitable is what Await accepts: a *Future[T] or a Coroutine[T]. Its
// method is unexported, so these (and types built on them in this module)
// are the only implementations.
type Awaitable[T any] interface {
	await(ctx context.Context) (T, error)
}

var (
	_ Awaitable[int] = (*Future[int])(nil)
	_ Awaitable[int] = Coroutine[int](nil)
)

// Await waits for a and returns its value and error, typed.
//
//   - A Coroutine runs inline, on the calling goroutine and, inside a task,
//     in the same task: awaiting a coroutine from a coroutine is a function
//     call (asyncio's "chaining coroutines"). It allocates nothing.
//   - A completed Future returns at once, without suspending or allocating.
//   - A pending Future, awaited with a coroutine's context (or one derived
//     from it), suspends that coroutine: its loop runs other work until the
//     future completes. Cancelling the coroutine's task cancels the future it
//     is suspended on, as in asyncio.
//   - A pending Future awaited with any other context blocks the goroutine
//     until the future completes or ctx is done; ctx ending abandons the
//     wait (the future is left alone) and returns ContextErr(ctx): a
//     cancellation if ctx was cancelled, context.Cause(ctx) past a
//     deadline.
//
// A coroutine's context suspends only that coroutine, so only its body
// suspends with it. A goroutine the body started may still be handed the
// context, as any Go context: its Await blocks that goroutine like plain
// Go code until the future completes or the context ends, and leaves the
// task alone. Another task's body that awaits with this task's context
// gets an error matching ErrWrongGoroutine while the task is suspended.
// (How a loop tells its bodies from other goroutines, and where it cannot,
// is in package loop's documentation.)
//
// A nil a or ctx returns an error matching ErrNil.
func Await[T any](ctx context.Context, a Awaitable[T]) (T, error) {
	if a == nil || ctx == nil {
		var zero T
		return zero, nilArg("Await", "awaitable or context")
	}
	return a.await(ctx)
}

func (f *Future[T]) await(ctx context.Context) (T, error) {
	var zero T
	if f == nil {
		return zero, nilArg("Await", "future")
	}
	if f.IsDone() {
		f.retrieved()
		return f.value, f.err
	}
	if s := SuspenderOf(ctx); s != nil {
		if err := s.Suspend(ctx, f); err != nil {
			return zero, err
		}
		f.retrieved()
		return f.value, f.err
	}
	select {
	case <-f.Done():
		// Completion is final; the value fields are safe to read.
		f.retrieved()
		return f.value, f.err
	case <-ctx.Done():
		// Abandon the wait; the future is someone else's to complete.
		return zero, ContextErr(ctx)
	}
}
