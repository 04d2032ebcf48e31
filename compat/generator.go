package compat

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/goasyncio/asyncio/future"
)

// ErrGeneratorReturned reports a Yield handle used after its generator body
// returned, as resuming a finished Python generator raises StopIteration.
var ErrGeneratorReturned = errors.New("compat: yield from a generator that has returned")

// Yield is the handle a generator-style body receives in place of Python's
// yield keyword. YieldFrom(y, a) is `yield from a`; y.Context() is the
// coroutine's context, for ordinary Go APIs and for loop.Sleep(ctx, 0), the
// spelling of a bare `yield` (give the loop one turn).
//
// A Yield is made by Generator for one run of the body; its zero value is
// not usable and it must not be copied. It is meant for the goroutine
// running the body, like the context a loop hands a task: awaiting a pending
// future through it from another goroutine returns an error matching
// future.ErrWrongGoroutine. Every YieldFrom made before the body returns
// happens before that return is seen by the awaiting caller.
type Yield struct {
	ctx      context.Context
	returned atomic.Bool // set once the body has returned; read by YieldFrom
}

// Context returns the context of the coroutine the body runs in: the task's
// context under a loop, the caller's context when awaited from a plain
// goroutine. It is cancelled when the task is.
func (y *Yield) Context() context.Context { return y.ctx }

// Generator turns a generator-style body into a future.Coroutine, as
// @asyncio.coroutine turned a generator function into a coroutine. The body
// runs when the coroutine is awaited or handed to a loop, on the awaiting
// goroutine and in the awaiting task, with a fresh Yield; its results are
// the coroutine's results.
//
// Because a Go task body keeps its own stack, `yield from` needs no driver
// bouncing values in and out of a suspended generator: YieldFrom awaits
// in place. BenchmarkAwait measured a YieldFrom of a completed future or a
// coroutine at 1.2-1.4x future.Await (about 1-3ns more, no allocation),
// where driving the body through iter.Pull costs about 16x. A panic
// in the body reaches the awaiting code as a *future.PanicError carrying the
// panicking stack, exactly as for a native coroutine.
//
// Generator panics with "compat: Generator: nil body" if body is nil.
func Generator[T any](body func(y *Yield) (T, error)) future.Coroutine[T] {
	if body == nil {
		panic("compat: Generator: nil body")
	}
	return func(ctx context.Context) (T, error) {
		y := &Yield{ctx: ctx}
		defer y.returned.Store(true)
		return body(y)
	}
}

// YieldFrom is `result = yield from a` inside a Generator body: it awaits a
// (a *future.Future, a native future.Coroutine, or another Generator, whose
// return value comes back as the result) and returns its value with its
// static type, so mixed types in one body need no assertion.
//
// It behaves as future.Await(y.Context(), a): a coroutine runs inline, a
// pending future suspends the task, and cancelling the task returns an
// error matching future.ErrCancelled. A nil y or a returns an error
// matching future.ErrNil; a y whose body has returned returns
// ErrGeneratorReturned. On error the returned value is T's zero value.
func YieldFrom[T any](y *Yield, a future.Awaitable[T]) (T, error) {
	if y == nil {
		var zero T
		return zero, fmt.Errorf("%w: YieldFrom: nil Yield", future.ErrNil)
	}
	if y.returned.Load() {
		var zero T
		return zero, ErrGeneratorReturned
	}
	return future.Await(y.ctx, a)
}
