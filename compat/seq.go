package compat

import (
	"context"
	"fmt"
	"iter"

	"github.com/goasyncio/asyncio/future"
)

// Step is one `yield from` of a FromSeq generator: something to await, and
// where its value goes. Make one with Into; its zero value is not usable.
type Step struct {
	await func(ctx context.Context) error
}

// Into is the typed half of `v = yield from a` in a FromSeq generator:
// yield(compat.Into(a, &v)) awaits a (a future, a native coroutine or a
// Generator or FromSeq coroutine) and stores its value in *dst, with its
// static type, before yield returns true. If a fails, yield returns false
// and the generator must return; the coroutine then fails with a's error,
// as the exception Python throws into a generator at its yield would
// propagate if not caught.
func Into[T any](a future.Awaitable[T], dst *T) Step {
	return Step{await: func(ctx context.Context) error {
		if a == nil || dst == nil {
			return fmt.Errorf("%w: Into: nil awaitable or destination", future.ErrNil)
		}
		v, err := future.Await(ctx, a)
		if err == nil {
			*dst = v
		}
		return err
	}}
}

// FromSeq turns a generator written as an iter.Seq-style function into a
// future.Coroutine: the Go spelling of an @asyncio.coroutine generator,
// for code translated line by line. gen yields a Step for each
// `yield from` and returns the coroutine's result, as a Python generator's
// return value ends its `yield from`:
//
//	c := compat.FromSeq(func(yield func(compat.Step) bool) (string, error) {
//		var n int
//		if !yield(compat.Into(count(), &n)) {
//			return "", nil // the awaited step failed; FromSeq reports why
//		}
//		return strconv.Itoa(n), nil
//	})
//
// The coroutine drives gen with iter.Pull and awaits each step itself, in
// the awaiting task (so a pending future suspends the task, on either
// engine) or goroutine. When a step fails (including by cancellation),
// yield returns false and the coroutine returns that error whatever gen
// returns after it. A gen that ignores a false yield and yields again gets
// false again. A panic in gen reaches the awaiting code as a
// *future.PanicError, as in a native coroutine.
//
// Driving a runtime coroutine costs about one iter.Pull round trip per step
// (compat's BenchmarkAwait): Generator, whose body awaits in place through
// YieldFrom, is the cheaper form for new code. FromSeq panics with
// "compat: FromSeq: nil generator" if gen is nil.
func FromSeq[T any](gen func(yield func(Step) bool) (T, error)) future.Coroutine[T] {
	if gen == nil {
		panic("compat: FromSeq: nil generator")
	}
	return func(ctx context.Context) (T, error) {
		var (
			v   T
			err error
			// failed is set while gen unwinds after a failed step; it is
			// written and read only by the iter.Pull handoff's two sides.
			failed bool
		)
		next, stop := iter.Pull(func(yield func(Step) bool) {
			guarded := func(s Step) bool { return !failed && yield(s) }
			v, err = gen(guarded)
		})
		defer stop()
		for {
			s, ok := next()
			if !ok {
				break
			}
			if s.await == nil {
				failed, err = true, fmt.Errorf("%w: FromSeq: zero Step (make one with Into)", future.ErrNil)
				break
			}
			if serr := s.await(ctx); serr != nil {
				failed, err = true, serr
				break
			}
		}
		if failed {
			saved := err
			stop() // gen sees yield return false and returns
			var zero T
			return zero, saved
		}
		return v, err
	}
}
